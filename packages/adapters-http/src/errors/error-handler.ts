import { ApplicationError, isRefusal, StoreUnavailable } from '@fairdraw/application';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { HttpProblem, type Problem, problemOf, sendProblem } from './problem.js';
import { fieldProblems, summary } from './validation-errors.js';

/** Fastify's own 4xx errors, by code, as API.md problems. */
const FRAMEWORK_ERRORS: Readonly<Record<string, () => Problem>> = {
  FST_ERR_CTP_BODY_TOO_LARGE: () => problemOf('PAYLOAD_TOO_LARGE', 'the request body is larger than 1 MiB'),
  // API.md's code table has no 415 code; a body of the wrong type is bad input like any other.
  FST_ERR_CTP_INVALID_MEDIA_TYPE: () => unsupportedMediaType(),
  FST_ERR_CTP_INVALID_JSON_BODY: () => problemOf('VALIDATION_FAILED', 'the request body is not valid JSON'),
  FST_ERR_CTP_EMPTY_JSON_BODY: () => problemOf('VALIDATION_FAILED', 'the request body is empty'),
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: () => problemOf('VALIDATION_FAILED', 'Content-Length does not match the body'),
};

function unsupportedMediaType(): Problem {
  const message = 'request bodies must be application/json';
  return problemOf('VALIDATION_FAILED', message, [{ path: 'content-type', message }]);
}

function problemFor(error: FastifyError): Problem | null {
  if (error instanceof StoreUnavailable) return problemOf('SERVICE_UNAVAILABLE', error.message);
  if (isRefusal(error) || error instanceof HttpProblem) {
    return problemOf(error.code, error.message, error.errors);
  }
  if (Array.isArray(error.validation)) {
    const errors = fieldProblems(error.validation, error.validationContext);
    return problemOf('VALIDATION_FAILED', summary(errors), errors);
  }
  const known = error.code ? FRAMEWORK_ERRORS[error.code] : undefined;
  if (known) return known();
  // Every token failure is the client's: never let a JWT library error become a 500.
  if (error.code?.startsWith('FST_JWT_') || error.code?.startsWith('FAST_JWT_')) {
    return problemOf('UNAUTHORIZED', 'a valid bearer token is required');
  }
  const status = error.statusCode ?? 500;
  if (status === 404) return problemOf('NOT_FOUND', 'no such resource');
  if (status === 413) return problemOf('PAYLOAD_TOO_LARGE', 'the request body is larger than 1 MiB');
  if (status === 415) return unsupportedMediaType();
  if (status === 400 || error instanceof SyntaxError) return problemOf('VALIDATION_FAILED', 'the request is malformed');
  return null;
}

function retryAfterOf(error: unknown): number | undefined {
  if (error instanceof StoreUnavailable || error instanceof HttpProblem) return error.retryAfterSeconds;
  if (error instanceof ApplicationError) return error.retryAfterSeconds ?? undefined;
  return undefined;
}

/** One place that turns every failure into RFC 9457 problem+json, hiding internals of 5xx. */
export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    const problem = problemFor(error);
    if (problem) {
      const retryAfter = retryAfterOf(error);
      if (retryAfter !== undefined) reply.header('retry-after', String(retryAfter));
      // A 503 is a state that passes (an outage, a full pool, the downloads' bound), reported
      // once where it is noticed: a stack per request would bury the log while it lasts.
      if (problem.status >= 500 && problem.code !== 'SERVICE_UNAVAILABLE') request.log.error({ err: error }, problem.detail);
      return sendProblem(reply, problem);
    }
    request.log.error({ err: error }, 'unexpected failure');
    return sendProblem(reply, problemOf('INTERNAL', 'an unexpected error occurred; it has been logged'));
  });

  app.setNotFoundHandler((request, reply) =>
    sendProblem(reply, problemOf('NOT_FOUND', `no route for ${request.method} ${request.url.split('?')[0]}`)),
  );
}
