import type { FastifyInstance } from 'fastify';
import helmet, { type HelmetOptions } from 'helmet';
import { corsGroupOf } from './cors.js';

/**
 * Helmet's headers on every response, with a policy the pages we serve can live with: Swagger UI
 * (/docs) and the /verify page load scripts and styles from this origin, and Swagger UI sets
 * inline styles. `upgrade-insecure-requests` is dropped because the service is often reached
 * over plain HTTP on a private address, where upgrading subresources would break the pages.
 *
 * This calls helmet itself, as @fastify/helmet does, rather than through @fastify/helmet: that
 * plugin `require`s helmet, which resolves to helmet's ESM build under the test runner's
 * `import` condition and is then not a function. A route may still set its own
 * Content-Security-Policy with `reply.header`, which takes precedence.
 *
 * Public reads (cors.ts) are meant to be fetched by pages of other origins, so they alone carry
 * `Cross-Origin-Resource-Policy: cross-origin` instead of helmet's `same-origin`.
 */
export function installSecurityHeaders(app: FastifyInstance): void {
  const options: HelmetOptions = {
    contentSecurityPolicy: {
      useDefaults: true,
      directives: {
        'default-src': ["'self'"],
        'script-src': ["'self'"],
        'style-src': ["'self'", "'unsafe-inline'"],
        'img-src': ["'self'", 'data:'],
        'connect-src': ["'self'"],
        'upgrade-insecure-requests': null,
      },
    },
  };
  const restricted = helmet(options);
  const publicRead = helmet({ ...options, crossOriginResourcePolicy: { policy: 'cross-origin' } });
  app.addHook('onRequest', (request, reply, done) => {
    const applyHeaders = corsGroupOf(request.method, request.url) === 'public-read' ? publicRead : restricted;
    applyHeaders(request.raw, reply.raw, (error?: unknown) => done(error instanceof Error ? error : undefined));
  });
}
