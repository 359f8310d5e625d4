import { z } from 'zod';
import { STATUS_OF, TITLE_OF } from '../errors/status-table.js';

const ProblemSchema = z
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

const problemContent = { 'application/problem+json': { schema: ProblemSchema } };

/**
 * OpenAPI entries for the problem responses a route can give (documentation only: see
 * sendProblem), plus `default` for those any route can give (too large, rate limited, internal,
 * shutting down), so a client validating responses against the document finds every one.
 */
export function problemResponses(...statuses: number[]) {
  const out: Record<number | 'default', { description: string; content: typeof problemContent }> = {
    default: { description: 'Any other failure: PAYLOAD_TOO_LARGE, RATE_LIMITED, INTERNAL, SERVICE_UNAVAILABLE', content: problemContent },
  };
  for (const status of statuses) {
    out[status] = { description: `${TITLE_OF[status] ?? 'Error'}: ${codesFor(status)}`, content: problemContent };
  }
  return out;
}
