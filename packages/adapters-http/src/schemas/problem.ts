import { z } from 'zod';
import { STATUS_OF, TITLE_OF } from '../errors/status-table.js';

export const ProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.int(),
    detail: z.string(),
    code: z.enum(Object.keys(STATUS_OF) as [keyof typeof STATUS_OF, ...(keyof typeof STATUS_OF)[]]),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .meta({ id: 'Problem', description: 'RFC 9457 problem details' });

/** Codes each status can carry, for the OpenAPI descriptions. */
function codesFor(status: number): string {
  return Object.entries(STATUS_OF)
    .filter(([, s]) => s === status)
    .map(([code]) => code)
    .join(', ');
}

/** OpenAPI entries for the problem responses a route can give (documentation only: see sendProblem). */
export function problemResponses(...statuses: number[]) {
  const out: Record<number, { description: string; content: { 'application/problem+json': { schema: typeof ProblemSchema } } }> = {};
  for (const status of statuses) {
    out[status] = {
      description: `${TITLE_OF[status] ?? 'Error'}: ${codesFor(status)}`,
      content: { 'application/problem+json': { schema: ProblemSchema } },
    };
  }
  return out;
}
