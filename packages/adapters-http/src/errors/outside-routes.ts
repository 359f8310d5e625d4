import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type Problem, problemOf, sendProblem } from './problem.js';

/**
 * Answers Node's HTTP parser gives before any route runs (Fastify's default is its own
 * `{ error, message, statusCode }` JSON). API.md's table has no 431 code, so a header block
 * over Node's limit is a bad request like any other; headers or a body that do not arrive in
 * time (plugins/timeouts.ts) are 408 REQUEST_TIMEOUT.
 */
function clientProblem(error: NodeJS.ErrnoException): Problem {
  if (error.code === 'HPE_HEADER_OVERFLOW') {
    return problemOf('VALIDATION_FAILED', 'the request headers are too large', [{ path: 'headers', message: 'too large' }]);
  }
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') return problemOf('REQUEST_TIMEOUT', 'the request headers or body did not arrive in time');
  return problemOf('VALIDATION_FAILED', 'the request is not valid HTTP');
}

/** Fastify's `clientErrorHandler`: every error is problem+json, even one the parser raises. */
export function clientErrorHandler(error: NodeJS.ErrnoException, socket: Socket): void {
  // A reset or destroyed socket has nobody left to answer.
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  // Node's own handler checks the same: bytes of a response already on the wire would be
  // corrupted by a second status line (a keep-alive socket's earlier responses are complete).
  const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (socket.writable && inFlight?.headersSent !== true) {
    const problem = clientProblem(error);
    const body = JSON.stringify(problem);
    socket.write(
      `HTTP/1.1 ${problem.status} ${problem.title}\r\n` +
        'Content-Type: application/problem+json; charset=utf-8\r\n' +
        `Content-Length: ${Buffer.byteLength(body)}\r\n` +
        'Connection: close\r\n\r\n' +
        body,
    );
  }
  socket.destroy(error);
}

/**
 * Fastify's `frameworkErrors`: a path the router cannot decode (`/lotteries/%`) or with a
 * parameter over its length limit was answered in Fastify's own JSON (the latter as 414). Both
 * are malformed paths, which are 400 like any malformed id.
 */
export function frameworkErrors(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  const detail = error.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 'a path parameter is too long' : 'the path is not a valid URL';
  sendProblem(reply, problemOf('VALIDATION_FAILED', detail, [{ path: 'url', message: detail }]));
}

/**
 * While the server drains (after SIGTERM), requests still arriving on open keep-alive
 * connections get a 503 SERVICE_UNAVAILABLE problem and `Connection: close`, so the client
 * retries elsewhere. This replaces Fastify's `return503OnClosing`, whose body is not a problem.
 * Register it before every other onRequest hook, so nothing else runs for such a request.
 */
export function refuseWhileClosing(app: FastifyInstance): void {
  let closing = false;
  app.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  app.addHook('onRequest', async (_request, reply) => {
    if (!closing) return;
    reply.header('connection', 'close');
    return sendProblem(reply, problemOf('SERVICE_UNAVAILABLE', 'the server is shutting down; retry on a new connection'));
  });
}
