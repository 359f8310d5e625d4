import type { ServerOptions } from 'node:http';

/** API.md, *Timeouts*: headers and body must arrive within this; REQUEST_TIMEOUT sets it. */
export const REQUEST_TIMEOUT_MS = 30_000;

/**
 * Fastify's and Node's timeouts for a request deadline of `timeoutMs`:
 * - Node checks `headersTimeout` and `requestTimeout` (headers, then the whole body: a body
 *   trickled one byte every few seconds never looks idle) only every
 *   `connectionsCheckingInterval`, so the deadlines are set one interval early: a request is
 *   ended at the latest `timeoutMs` after it began. The clientErrorHandler answers 408.
 * - `keepAliveTimeout`: an idle connection between requests is closed after `timeoutMs`
 *   (Fastify's default, 72 s, would keep half the sockets of a slow-loris busy twice as long).
 * - `connectionTimeout`: a socket on which nothing moves either way for twice the deadline is
 *   destroyed, a backstop for a response nobody reads or a handler that never answers.
 */
export function timeoutOptions(timeoutMs: number): {
  requestTimeout: number;
  keepAliveTimeout: number;
  connectionTimeout: number;
  http: ServerOptions;
} {
  const checkEvery = Math.max(10, Math.min(1000, Math.floor(timeoutMs / 10)));
  const deadline = Math.max(1, timeoutMs - checkEvery);
  return {
    requestTimeout: deadline,
    keepAliveTimeout: timeoutMs,
    connectionTimeout: 2 * timeoutMs,
    http: { headersTimeout: deadline, requestTimeout: deadline, connectionsCheckingInterval: checkEvery },
  };
}
