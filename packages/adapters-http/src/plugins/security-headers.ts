import type { FastifyInstance } from 'fastify';
import helmet from 'helmet';

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
 */
export function installSecurityHeaders(app: FastifyInstance): void {
  const applyHeaders = helmet({
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
  });
  app.addHook('onRequest', (request, reply, done) => {
    applyHeaders(request.raw, reply.raw, (error?: unknown) => done(error instanceof Error ? error : undefined));
  });
}
