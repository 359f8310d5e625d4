import type { Deps } from '@fairdraw/application';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { type JwtSettings, registerAccessTokens } from './auth/access-tokens.js';
import { fastifyTrustProxy, type TrustProxy } from './auth/client-ip.js';
import { installGuards } from './auth/guards.js';
import { ipAllowlist } from './auth/ip-allowlist.js';
import { installErrorHandling } from './errors/error-handler.js';
import { clientErrorHandler, frameworkErrors, refuseWhileClosing } from './errors/outside-routes.js';
import { responseCipher } from './idempotency/response-cipher.js';
import { createMetrics, type Metrics } from './metrics/metrics.js';
import { metricsRoute, recordRequests } from './metrics/metrics-route.js';
import { registerApiDocs } from './plugins/api-docs.js';
import { registerCors } from './plugins/cors.js';
import { acceptJsonOnly, BODY_LIMIT_BYTES } from './plugins/json-body.js';
import { type RateLimitSettings, registerRateLimits } from './plugins/rate-limits.js';
import { installSecurityHeaders } from './plugins/security-headers.js';
import { REQUEST_TIMEOUT_MS, timeoutOptions } from './plugins/timeouts.js';
import { accountRoutes } from './routes/accounts.js';
import { ballotRoutes } from './routes/ballots.js';
import type { RouteContext } from './routes/context.js';
import { drawRoutes } from './routes/draws.js';
import { type DownloadLimits, EntriesDownloads } from './routes/entries-download.js';
import { frontPageRoute } from './routes/front-page.js';
import { healthRoutes, type Readiness } from './routes/health.js';
import { lotteryRoutes } from './routes/lotteries.js';
import { verifyPageRoute } from './routes/verify-page.js';
import { walletRoutes } from './routes/wallets.js';
import { webhookRoutes } from './routes/webhooks.js';

export interface ServerOptions {
  readonly deps: Deps;
  readonly jwt: JwtSettings;
  /** IPs and CIDRs allowed to call admin endpoints; empty allows any address. */
  readonly adminIpAllowlist: readonly string[];
  /** Which X-Forwarded-For entries to believe (TRUST_PROXY): none, a hop count, or the proxies' addresses. */
  readonly trustProxy: TrustProxy;
  /** Headers and body must arrive within this (default 30 s, API.md); tests shorten it. */
  readonly requestTimeoutMs?: number | undefined;
  readonly rateLimitPerMinute: number;
  /** The stricter per-IP limit shared by /auth/*; defaults to a fifth of rateLimitPerMinute. */
  readonly authRateLimitPerMinute?: number | undefined;
  /** Where rate-limit counters live when several processes share them (an ioredis client). */
  readonly rateLimitRedis?: RateLimitSettings['redis'];
  /** pino options, or false for silence. */
  readonly logger: Exclude<FastifyServerOptions['logger'], undefined>;
  /** Key material for encrypting stored idempotent responses (they hold verification codes). */
  readonly responseSecret: string;
  /** Named checks, each 'ok' or a reason; anything else makes /health/ready a 503. */
  readonly readiness: Readiness;
  /** CORS_ORIGINS: origins (scheme://host[:port]) allowed on the endpoints that are not public reads. */
  readonly corsOrigins?: readonly string[] | undefined;
  /** This process's series, served at /metrics; a fresh set without process metrics when absent. */
  readonly metrics?: Metrics | undefined;
  /** IPs and CIDRs allowed to read /metrics; loopback when absent or empty. */
  readonly metricsIpAllowlist?: readonly string[] | undefined;
  /** Entries downloads at once per process, and the write deadline of each (defaults: 32, 30 s). */
  readonly entriesDownloads?: DownloadLimits | undefined;
  /** More routes on the same server (the /verify page), registered after the API's. */
  readonly extend?: ((app: FastifyInstance) => Promise<void> | void) | undefined;
}

/** Who may read /metrics unless METRICS_IP_ALLOWLIST says otherwise. */
export const METRICS_IP_ALLOWLIST_DEFAULT: readonly string[] = ['127.0.0.1', '::1'];

/** Builds the HTTP API without listening, so tests drive it through `inject`. */
export async function buildServer(options: ServerOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger,
    trustProxy: fastifyTrustProxy(options.trustProxy),
    ...timeoutOptions(options.requestTimeoutMs ?? REQUEST_TIMEOUT_MS),
    bodyLimit: BODY_LIMIT_BYTES,
    // Fastify's own answers for these are plain JSON; these give problem+json instead.
    return503OnClosing: false,
    clientErrorHandler,
    frameworkErrors,
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandling(app);
  refuseWhileClosing(app);
  acceptJsonOnly(app);

  installSecurityHeaders(app);
  // Before the rate limits, so that a page on another origin can read a 429 too.
  await registerCors(app, options.corsOrigins ?? []);
  const metrics = options.metrics ?? createMetrics();
  const metricsAllowlist = options.metricsIpAllowlist?.length ? options.metricsIpAllowlist : METRICS_IP_ALLOWLIST_DEFAULT;
  recordRequests(app, metrics);
  const authRateLimit = await registerRateLimits(app, {
    perMinute: options.rateLimitPerMinute,
    authPerMinute: options.authRateLimitPerMinute ?? Math.max(1, Math.floor(options.rateLimitPerMinute / 5)),
    redis: options.rateLimitRedis,
    onLimited: (limit) => metrics.rateLimited(limit),
  });
  const tokens = await registerAccessTokens(app, options.jwt);
  const guards = installGuards(app, tokens, ipAllowlist(options.adminIpAllowlist));
  await registerApiDocs(app);

  const context: RouteContext = {
    deps: options.deps,
    tokens,
    guards,
    cipher: responseCipher(options.responseSecret),
    authRateLimit,
    entriesDownloads: new EntriesDownloads(options.entriesDownloads),
  };
  healthRoutes(app, options.readiness);
  metricsRoute(app, metrics, ipAllowlist(metricsAllowlist, 'METRICS_IP_ALLOWLIST'));
  accountRoutes(app, context);
  lotteryRoutes(app, context);
  ballotRoutes(app, context);
  drawRoutes(app, context);
  walletRoutes(app, context);
  webhookRoutes(app, context);
  verifyPageRoute(app);
  frontPageRoute(app, options.deps);
  await options.extend?.(app);
  return app;
}
