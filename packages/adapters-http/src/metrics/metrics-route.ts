import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { clientIp } from '../auth/client-ip.js';
import type { IpAllowlist } from '../auth/ip-allowlist.js';
import { fail } from '../errors/problem.js';
import { problemResponses } from '../schemas/problem.js';
import type { Metrics } from './metrics.js';

/** Methods Node's parser accepts beyond these are folded into one label value. */
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/** A request no route matched: its raw path may hold anything, so it gets one label value. */
const UNMATCHED_ROUTE = 'unmatched';

/** The label for a request's route: its template (/lotteries/:id), never the path it asked for. */
function routeLabel(request: FastifyRequest): string {
  return request.routeOptions.url ?? UNMATCHED_ROUTE;
}

/** Records every answered request: installed before any route, so that each one is counted. */
export function recordRequests(app: FastifyInstance, metrics: Metrics): void {
  app.addHook('onResponse', async (request, reply) => {
    const method = METHODS.has(request.method) ? request.method : 'OTHER';
    metrics.observeRequest(method, routeLabel(request), reply.statusCode, reply.elapsedTime / 1000);
  });
}

/**
 * GET /metrics, to METRICS_IP_ALLOWLIST only: the series say how busy the service is and what
 * fails, which is not for everyone to read. A scrape skips the rate limit, like the health
 * probes, so Prometheus never sees a 429.
 */
export function metricsRoute(app: FastifyInstance, metrics: Metrics, allowed: IpAllowlist): void {
  app.get(
    '/metrics',
    {
      config: { rateLimit: false },
      schema: {
        tags: ['operations'],
        summary: 'Prometheus text exposition; only to addresses in METRICS_IP_ALLOWLIST (default loopback)',
        response: {
          200: { description: 'Prometheus text format 0.0.4', content: { 'text/plain': { schema: z.string() } } },
          ...problemResponses(403),
        },
      },
      onRequest: async (request) => {
        if (!allowed(clientIp(request))) fail('IP_NOT_ALLOWED', '/metrics is not open to this address');
      },
    },
    async (_request, reply) => {
      const { contentType, body } = await metrics.exposition();
      return reply.type(contentType).send(body);
    },
  );
}
