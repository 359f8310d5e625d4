import type { FieldProblem } from '@fairdraw/domain';

interface ValidationIssue {
  readonly instancePath?: string;
  readonly message?: string;
  readonly keyword?: string;
  readonly params?: Record<string, unknown>;
}

function dotted(instancePath: string | undefined): string {
  return (instancePath ?? '').split('/').filter(Boolean).join('.');
}

/**
 * Turns fastify-type-provider-zod's issues into API.md's `{ path, message }` list. Paths are
 * dotted and relative to the part that failed (`prizes.0.amount`, `limit`); an unknown field is
 * reported at its own path so a client sees which key to drop.
 */
export function fieldProblems(issues: readonly ValidationIssue[], context: string | undefined): FieldProblem[] {
  const out: FieldProblem[] = [];
  for (const issue of issues) {
    const base = dotted(issue.instancePath);
    const keys = issue.params?.keys;
    if (issue.keyword === 'unrecognized_keys' && Array.isArray(keys)) {
      for (const key of keys) out.push({ path: base ? `${base}.${String(key)}` : String(key), message: 'unknown field' });
      continue;
    }
    out.push({ path: base || (context ?? ''), message: issue.message ?? 'is invalid' });
  }
  return out;
}

export function summary(problems: readonly FieldProblem[]): string {
  const first = problems[0];
  if (!first) return 'the request is invalid';
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : '';
  return `${first.path ? `${first.path}: ` : ''}${first.message}${more}`;
}
