import cors, { type FastifyCorsOptions } from '@fastify/cors';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { HttpProblem } from '../errors/problem.js';

/**
 * The two route groups of API.md's CORS rules. Public reads are what anyone may verify a draw
 * with, so any page may read them; everything else (sign-in, ballots, admin) answers only the
 * origins of CORS_ORIGINS. Bearer tokens travel in a header, never in a cookie, so neither
 * group allows credentials.
 */
export type CorsGroup = 'public-read' | 'restricted';

/** GET (and HEAD) of /lotteries…, /winners… and /openapi.json, except an admin's ballot list. */
export function corsGroupOf(method: string, url: string): CorsGroup {
  if (method !== 'GET' && method !== 'HEAD') return 'restricted';
  const path = url.split('?', 1)[0] ?? '';
  const publicPath =
    path === '/openapi.json' ||
    path === '/winners' ||
    path.startsWith('/winners/') ||
    path === '/lotteries' ||
    (path.startsWith('/lotteries/') && !/^\/lotteries\/[^/]+\/ballots\/?$/.test(path));
  return publicPath ? 'public-read' : 'restricted';
}

// If-None-Match: a page may revalidate a read it keeps itself (the ETag it was exposed).
const ALLOWED_HEADERS = ['Authorization', 'Content-Type', 'Idempotency-Key', 'If-None-Match'];
// What a page may read from an answer besides the CORS-safelisted headers (Cache-Control is one).
const EXPOSED_HEADERS = ['Retry-After', 'Idempotent-Replayed', 'Location', 'ETag'];
const common = { allowedHeaders: ALLOWED_HEADERS, exposedHeaders: EXPOSED_HEADERS, credentials: false, maxAge: 600 } as const;

const PUBLIC_READ: FastifyCorsOptions = { ...common, origin: '*', methods: ['GET', 'HEAD'] };
const restrictedTo = (origin: string): FastifyCorsOptions => ({
  ...common,
  origin,
  methods: ['GET', 'HEAD', 'POST', 'DELETE'],
});
const NO_CORS: FastifyCorsOptions = { origin: false };

/** A preflight is an OPTIONS request a browser sends before the real one, naming its method. */
function preflightMethod(request: FastifyRequest): string | null {
  const method = request.headers['access-control-request-method'];
  return request.method === 'OPTIONS' && typeof request.headers.origin === 'string' && typeof method === 'string'
    ? method.toUpperCase()
    : null;
}

/**
 * @fastify/cors with a per-request choice of the group's options: for a preflight, the group of
 * the request it announces. A preflight from an origin that may not call the endpoint is 403
 * FORBIDDEN (problem+json through the error handler); a real request from such an origin is
 * answered as usual but without CORS headers, so the browser keeps the answer from the page.
 * An OPTIONS request that is not a preflight is not a route here (404, as before).
 */
export async function registerCors(app: FastifyInstance, allowedOrigins: readonly string[]): Promise<void> {
  const allowed = new Set(allowedOrigins);
  await app.register(cors, {
    strictPreflight: false,
    delegator: (request, callback) => {
      const preflight = preflightMethod(request);
      if (corsGroupOf(preflight ?? request.method, request.url) === 'public-read') return callback(null, PUBLIC_READ);
      const origin = request.headers.origin;
      if (origin !== undefined && allowed.has(origin)) return callback(null, restrictedTo(origin));
      if (preflight === null) return callback(null, NO_CORS);
      const path = request.url.split('?', 1)[0];
      callback(new HttpProblem('FORBIDDEN', `origin ${origin} may not call ${preflight} ${path}: it is not in CORS_ORIGINS`), NO_CORS);
    },
  });
}
