import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * The hexagon's dependency rules, checked on every source file's imports. Each layer names
 * what it may import; everything else is a violation.
 */
export interface Rule {
  readonly layer: string;
  readonly allowed: (specifier: string, isTest: boolean) => boolean;
}

const relativeImport = (s: string) => s.startsWith('.');
// Tests may read fixtures and use the test tooling; the code under test may not.
const testTooling = (s: string) =>
  ['vitest', 'fast-check'].includes(s) || s.startsWith('node:') || s.startsWith('@fairdraw/application/testing');

export const rules: readonly Rule[] = [
  // Hashing is computation, not I/O: node:crypto is the one platform module the domain may use.
  { layer: 'packages/domain', allowed: (s, test) => relativeImport(s) || s === 'node:crypto' || (test && testTooling(s)) },
  {
    layer: 'packages/application',
    allowed: (s, test) =>
      relativeImport(s) || s === '@fairdraw/domain' || ['node:crypto', 'node:async_hooks'].includes(s) || (test && testTooling(s)),
  },
  { layer: 'packages/adapters-http', allowed: (s) => !s.startsWith('@fairdraw/') || /^@fairdraw\/(domain|application)(\/testing)?$/.test(s) },
  {
    layer: 'packages/adapters-postgres',
    allowed: (s) => !s.startsWith('@fairdraw/') || /^@fairdraw\/(domain|application)(\/testing)?$/.test(s),
  },
  { layer: 'apps/api', allowed: (s) => s !== '@fairdraw/worker' },
  { layer: 'apps/worker', allowed: () => true },
];

/** What the domain must never do: reach for the clock or for randomness itself. */
export const forbiddenInDomain = [/\bDate\.now\(/, /\bMath\.random\(/, /\bnew Date\(\)/, /\brandomBytes\b/, /\brandomUUID\b/];

export function importsOf(source: string): string[] {
  const found: string[] = [];
  const pattern = /(?:^|[\s;])(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|^import\s*['"]([^'"]+)['"]/gm;
  for (const match of source.matchAll(pattern)) found.push(match[1] ?? match[2] ?? match[3] ?? '');
  return found.filter(Boolean);
}

export function violations(root: string): string[] {
  const problems: string[] = [];
  for (const rule of rules) {
    for (const file of sourceFiles(join(root, rule.layer, 'src'))) {
      const source = readFileSync(file, 'utf8');
      const isTest = /\.(int\.)?test\.ts$/.test(file) || file.includes('/testing/');
      const name = relative(root, file);
      for (const specifier of importsOf(source)) {
        if (!rule.allowed(specifier, isTest)) problems.push(`${name} imports ${specifier}`);
      }
      if (rule.layer === 'packages/domain' && !isTest) {
        for (const pattern of forbiddenInDomain) if (pattern.test(source)) problems.push(`${name} uses ${pattern.source}`);
      }
    }
  }
  return problems;
}

function sourceFiles(dir: string): string[] {
  let entries: import('node:fs').Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}
