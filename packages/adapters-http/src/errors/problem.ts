import type { FieldProblem } from '@fairdraw/domain';
import type { FastifyReply } from 'fastify';
import { type ProblemCode, STATUS_OF, TITLE_OF } from './status-table.js';

/** RFC 9457 problem details as API.md shapes them. */
export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly code: ProblemCode;
  readonly errors?: readonly FieldProblem[];
}

/**
 * A failure the HTTP layer finds itself (a missing token, an address, rate limits, readiness);
 * business failures are the domain's DomainError and the application's ApplicationError.
 */
export class HttpProblem extends Error {
  override readonly name = 'HttpProblem';
  constructor(
    readonly code: ProblemCode,
    message: string,
    readonly errors: readonly FieldProblem[] = [],
    /** Sent as `Retry-After` (seconds) with a 503 that will pass. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

/** Refuses the request with an HttpProblem (no Retry-After). */
export function fail(code: ProblemCode, message: string): never {
  throw new HttpProblem(code, message);
}

/** Problem types are URNs: stable identifiers that promise no documentation page at an address. */
const PROBLEM_TYPE_BASE = 'urn:fairdraw:problem:';

export function problemOf(code: ProblemCode, detail: string, errors: readonly FieldProblem[] = []): Problem {
  const status = STATUS_OF[code];
  return {
    type: `${PROBLEM_TYPE_BASE}${code.toLowerCase().replaceAll('_', '-')}`,
    title: TITLE_OF[status] ?? 'Error',
    status,
    detail,
    code,
    ...(errors.length > 0 ? { errors } : {}),
  };
}

export function sendProblem(reply: FastifyReply, problem: Problem): FastifyReply {
  // The payload is serialised here so that no route's response schema is applied to it.
  return reply
    .code(problem.status)
    .type('application/problem+json; charset=utf-8')
    .serializer((payload) => JSON.stringify(payload))
    .send(problem);
}
