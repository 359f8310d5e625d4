import rateLimit, { type RateLimitPluginOptions } from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import { clientKey } from '../auth/client-ip.js';
import { HttpProblem } from '../errors/problem.js';

export interface RateLimitSettings {
  readonly perMinute: number;
  readonly authPerMinute: number;
  /** An ioredis client: every API process behind one Redis then counts against the same limits. */
  readonly redis?: RateLimitPluginOptions['redis'] | undefined;
  /** Hears of each refused request, for the metrics. */
  readonly onLimited?: ((limit: 'general' | 'auth') => void) | undefined;
}

const MINUTE_MS = 60_000;

const tooMany = (retryAfterSeconds: number) =>
  new HttpProblem('RATE_LIMITED', `too many requests from this address; retry in ${retryAfterSeconds} s`);

/**
 * Every request counts against RATE_LIMIT_PER_MINUTE per client address (an IPv6 client by its
 * /64, see client-ip.ts), unknown routes included,
 * except routes with `config: { rateLimit: false }` (health probes: an orchestrator polling from
 * one address must never see a 429 and restart a healthy instance). The limiter is a global
 * onRequest hook so it runs before the guards: a flood of bad tokens is throttled, not answered.
 * The /auth/* routes also share one stricter counter per IP, returned as an extra hook, because
 * password guessing is the abuse worth slowing down. Counts live in this process, or in Redis
 * when one is given; if Redis cannot answer, requests go through unlimited rather than fail
 * (the service stays up; the log and /health/ready show Redis as down).
 */
export async function registerRateLimits(app: FastifyInstance, settings: RateLimitSettings): Promise<onRequestAsyncHookHandler> {
  const keyGenerator = (request: FastifyRequest) => clientKey(request);
  await app.register(rateLimit, {
    global: false,
    keyGenerator,
    errorResponseBuilder: (_request, context) => {
      settings.onLimited?.('general');
      return tooMany(Math.ceil(context.ttl / 1000));
    },
    ...(settings.redis ? { redis: settings.redis, nameSpace: 'fairdraw:rate-limit:', skipOnError: true } : {}),
  });

  const general = app.rateLimit({ max: settings.perMinute, timeWindow: MINUTE_MS });
  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    if (request.routeOptions.config.rateLimit === false) return;
    await general.call(app, request, reply);
  });

  // Its own key: in Redis both limiters' counters would otherwise share one name per address.
  const authLimiter = app.createRateLimit({
    max: settings.authPerMinute,
    timeWindow: MINUTE_MS,
    keyGenerator: (request) => `auth:${clientKey(request)}`,
  });
  return async (request, reply) => {
    const outcome = await authLimiter(request);
    if (!outcome.isAllowed && outcome.isExceeded) {
      settings.onLimited?.('auth');
      reply.header('retry-after', String(outcome.ttlInSeconds));
      throw tooMany(outcome.ttlInSeconds);
    }
  };
}
