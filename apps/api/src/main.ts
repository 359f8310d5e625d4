import { buildServer } from '@fairdraw/adapters-http';
import { ensureAdmin } from '@fairdraw/application';
import {
  beaconDrawQueue,
  beaconReadiness,
  consoleLog,
  DRAW_QUEUE_NAME,
  drawSchedule,
  type RuntimeLog,
  readSettings,
  startBeacon,
  startRuntime,
  startWebhookDeliveries,
} from '@fairdraw/runtime';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { allocatorAdvice, runsOnGlibc } from './allocator-advice.js';
import { startInProcessScheduler } from './in-process-scheduler.js';

/** Composition root of the HTTP API: settings → runtime → server, and a clean stop. */
async function main(): Promise<void> {
  const settings = readSettings(process.env);
  const schedule = drawSchedule(settings);
  // The database's outage warnings go to the server's logger once it exists.
  let log: RuntimeLog | undefined;
  const runtime = await startRuntime(settings, { migrate: true, lotteryReadCache: true, log: () => log ?? consoleLog });
  const redis = settings.REDIS_URL ? new Redis(settings.REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 }) : null;

  if (settings.ADMIN_USERNAME && settings.ADMIN_PASSWORD) {
    const admin = { username: settings.ADMIN_USERNAME, password: settings.ADMIN_PASSWORD };
    // A squatted admin name stops start-up: the embedded database is stopped before the exit.
    await ensureAdmin(runtime.deps, admin).catch(async (error: unknown) => {
      redis?.disconnect();
      await runtime.close();
      throw error;
    });
  }

  const app = await buildServer({
    deps: runtime.deps,
    jwt: {
      secret: runtime.jwtSecret,
      issuer: 'fairdraw',
      audience: 'fairdraw-api',
      accessTtlSeconds: Math.floor(settings.ACCESS_TOKEN_TTL / 1000),
    },
    adminIpAllowlist: settings.ADMIN_IP_ALLOWLIST,
    metrics: runtime.metrics,
    metricsIpAllowlist: settings.METRICS_IP_ALLOWLIST,
    trustProxy: settings.TRUST_PROXY,
    corsOrigins: settings.CORS_ORIGINS,
    requestTimeoutMs: settings.REQUEST_TIMEOUT,
    rateLimitPerMinute: settings.RATE_LIMIT_PER_MINUTE,
    authRateLimitPerMinute: settings.AUTH_RATE_LIMIT_PER_MINUTE,
    // With Redis, every API replica counts against the same per-address limits.
    rateLimitRedis: redis ?? undefined,
    logger: { level: settings.LOG_LEVEL, redact: ['req.headers.authorization'] },
    responseSecret: runtime.responseKey.toString('hex'),
    entriesDownloads: { maxDownloads: settings.ENTRIES_MAX_DOWNLOADS, stallTimeoutMs: settings.ENTRIES_STALL_TIMEOUT_MS },
    readiness: async () => {
      const checks: Record<string, string> = {};
      checks.database = await runtime.pingDatabase().then(
        () => 'ok',
        (e: Error) => e.message,
      );
      if (redis)
        checks.redis = await redis.ping().then(
          () => 'ok',
          (e: Error) => e.message,
        );
      return { ...checks, ...beaconReadiness(runtime.beacon) };
    },
  });

  const advice = allocatorAdvice(process.env, runsOnGlibc());
  if (advice) app.log.warn(advice);
  log = app.log;

  // ioredis retries by itself; while it cannot reach Redis the rate limits let requests through.
  redis?.on('error', (error: Error) => app.log.warn({ err: error }, 'Redis unreachable: rate limits are not enforced until it is back'));

  await startBeacon(runtime.beacon, settings, app.log);
  // Without Redis there is no worker process: this process runs the schedule itself.
  const scheduler = settings.REDIS_URL ? null : await startInProcessScheduler(runtime.deps, schedule, app.log);
  const deliveries = settings.REDIS_URL ? null : startWebhookDeliveries(runtime.deliveryDeps, app.log);
  // A v2 lottery created here is drawn at its round: by this process's timers, or a worker's delayed job.
  const queueRedis = settings.REDIS_URL ? new Redis(settings.REDIS_URL, { maxRetriesPerRequest: null }) : null;
  queueRedis?.on('error', (error: Error) => app.log.warn({ err: error }, 'Redis unreachable: beacon draws are queued by the next tick'));
  const drawQueue = queueRedis && new Queue(DRAW_QUEUE_NAME, { connection: queueRedis });
  runtime.useBeaconDraws(scheduler?.beaconDraws ?? (drawQueue && beaconDrawQueue(drawQueue, schedule, app.log)));

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.log.info({ signal }, 'shutting down');
    await app.close();
    await scheduler?.stop();
    await deliveries?.stop();
    await drawQueue?.close();
    queueRedis?.disconnect();
    redis?.disconnect();
    await runtime.close();
    process.exit(0);
  };
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    // No library's hook may exit before the server and scheduler have stopped; runtime.close()
    // stops the embedded database itself.
    process.removeAllListeners(signal);
    // `on`, not `once`: Ctrl-C reaches this process twice (from the terminal and from the npm
    // start wrapper), and a second signal without a listener would kill it mid-shutdown.
    process.on(signal, () => void stop(signal));
  }

  try {
    await app.listen({ port: settings.PORT, host: settings.HOST });
  } catch (error) {
    app.log.error(error);
    await stop('listen failed');
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
