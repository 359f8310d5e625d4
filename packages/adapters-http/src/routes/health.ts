import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { HttpProblem } from '../errors/problem.js';
import { problemResponses } from '../schemas/problem.js';

export type Readiness = () => Promise<Record<string, string>>;

const Health = z.object({ status: z.literal('ok'), checks: z.record(z.string(), z.string()).optional() });

/**
 * Probes skip the rate limit: an orchestrator polling from one address must never see a 429
 * and restart a healthy instance.
 */
export function healthRoutes(app: FastifyInstance, readiness: Readiness): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.get(
    '/health/live',
    {
      config: { rateLimit: false },
      schema: { tags: ['operations'], summary: 'Liveness', response: { 200: Health, ...problemResponses() } },
    },
    async () => ({ status: 'ok' as const }),
  );
  api.get(
    '/health/ready',
    {
      config: { rateLimit: false },
      schema: {
        tags: ['operations'],
        summary: 'Readiness (database, and Redis when configured)',
        response: { 200: Health, ...problemResponses(503) },
      },
    },
    async () => {
      let checks: Record<string, string>;
      try {
        checks = await readiness();
      } catch {
        throw new HttpProblem('SERVICE_UNAVAILABLE', 'the readiness check failed');
      }
      const failing = Object.entries(checks).filter(([, state]) => state !== 'ok');
      if (failing.length > 0) {
        throw new HttpProblem(
          'SERVICE_UNAVAILABLE',
          `not ready: ${failing.map(([name]) => name).join(', ')}`,
          failing.map(([name, state]) => ({ path: name, message: state.slice(0, 200) })),
        );
      }
      return { status: 'ok' as const, checks };
    },
  );
}
