import { hostname } from 'node:os';
import { serveMetrics } from '@fairdraw/adapters-http';
import type { BeaconDrawScheduler } from '@fairdraw/application';
import {
  beaconDrawQueue,
  DELIVERY_INTERVAL_MS,
  drawSchedule,
  readSettings,
  scheduledDrawsTick,
  startBeacon,
  startRuntime,
  webhookDeliveryTick,
} from '@fairdraw/runtime';
import { pino } from 'pino';
import { drawBeaconLottery } from './beacon-draw-job.js';
import { createQueueScheduler } from './queue-scheduler.js';
import { createWebhookQueue } from './webhook-queue.js';

/**
 * Composition root of the worker: settings → runtime → BullMQ scheduler and worker, and a
 * clean stop. The API runs no scheduler when REDIS_URL is set, so this process does the draws.
 */
async function main(): Promise<void> {
  const settings = readSettings(process.env);
  if (!settings.REDIS_URL) {
    throw new Error('invalid settings:\n  REDIS_URL: the worker needs Redis; without it, `pnpm start` runs the schedule inside the API');
  }
  const log = pino({ level: settings.LOG_LEVEL, base: { service: 'worker', pid: process.pid } });
  const schedule = drawSchedule(settings);
  // Migrations belong to the one-shot migrate service (or to the embedded mode's start).
  const runtime = await startRuntime(settings, { migrate: false });
  // Daily lotteries provisioned here are v2 while the beacon's chain info is known.
  await startBeacon(runtime.beacon, settings, log);
  let draws: BeaconDrawScheduler | undefined;
  const scheduler = createQueueScheduler({
    redisUrl: settings.REDIS_URL,
    timetable: schedule,
    tick: () => scheduledDrawsTick(runtime.deps, schedule, log, draws)(),
    drawOne: (lotteryId) => drawBeaconLottery(runtime.deps, lotteryId),
    log,
    workerName: `${hostname()}:${process.pid}`,
  });
  const deliveries = createWebhookQueue({
    redisUrl: settings.REDIS_URL,
    tick: webhookDeliveryTick(runtime.deliveryDeps, log),
    log,
    everyMs: DELIVERY_INTERVAL_MS,
  });
  draws = beaconDrawQueue(scheduler.queue, schedule, log);
  runtime.useBeaconDraws(draws);
  // WORKER_METRICS_PORT unset: no port opened (the worker serves nothing by default).
  const metricsServer =
    settings.WORKER_METRICS_PORT === undefined
      ? null
      : await serveMetrics({
          metrics: runtime.metrics,
          port: settings.WORKER_METRICS_PORT,
          host: settings.HOST,
          allowlist: settings.METRICS_IP_ALLOWLIST,
        });
  if (metricsServer) log.info({ port: metricsServer.port, host: settings.HOST }, 'metrics served at /metrics');

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) {
      // A second signal: leave now. The running job's lock expires and another worker (or this
      // one, restarted) takes it again; its uncommitted draw was rolled back with the connection.
      log.warn({ signal }, 'stopping at once; the running job goes back to the queue');
      process.exit(1);
    }
    stopping = true;
    log.info({ signal }, 'shutting down: finishing the running job');
    try {
      await scheduler.stop();
      await deliveries.stop();
      await metricsServer?.close();
      await runtime.close();
    } catch (error) {
      log.error({ err: error }, 'shutdown failed');
      process.exit(1);
    }
    log.info({}, 'stopped');
    process.exit(0);
  };
  // This process owns its shutdown: no library's signal hook may end it (code 143/130) and cut
  // the running job short. runtime.close() above stops an embedded server too.
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.removeAllListeners(signal);
    process.on(signal, () => void stop(signal));
  }

  await scheduler.start();
  await deliveries.start();
  log.info(
    { cron: schedule.cron, time_zone: schedule.timeZone, attempts: schedule.attempts, retry_delay_ms: schedule.retryDelayMs },
    'worker started',
  );
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
