import { randomBytes } from 'node:crypto';
import type { BeaconDrawScheduler } from '@fairdraw/application';
import {
  beaconDrawQueue,
  drawSchedule,
  type Runtime,
  readSettings,
  type ScheduleLog,
  scheduledDrawsTick,
  startBeacon,
} from '@fairdraw/runtime';
import type { TestRedis } from '@fairdraw/runtime/testing';
import { drawBeaconLottery } from '../beacon-draw-job.js';
import { createQueueScheduler, type QueueScheduler, type WorkerTuning } from '../queue-scheduler.js';
import { type TestDatabase, testRuntime, workerEnv } from './stack.js';

export interface LogLine {
  readonly message: string;
  readonly details: Record<string, unknown>;
}

export interface TestWorker {
  readonly runtime: Runtime;
  readonly scheduler: QueueScheduler;
  readonly lines: LogLine[];
  stop(): Promise<void>;
}

export interface TestWorkerOptions {
  readonly cron?: string;
  readonly tuning?: WorkerTuning;
  /** Runs before each tick: lets a test hold a tick, or fail it. */
  readonly gate?: () => Promise<void>;
  /** More settings (a local beacon relay); the beacon is started as main.ts starts it. */
  readonly env?: Record<string, string>;
}

/** A worker as main.ts builds it (its own runtime, pool and connections), on the queue given. */
export async function startTestWorker(
  database: TestDatabase,
  redis: TestRedis,
  queueName: string,
  options: TestWorkerOptions = {},
): Promise<TestWorker> {
  const cron = { DRAW_CRON: options.cron ?? '0 0 0 1 1 *', ...options.env };
  const runtime = await testRuntime(database, redis, cron);
  const settings = readSettings(workerEnv(database, redis, cron));
  const schedule = drawSchedule(settings);
  const lines: LogLine[] = [];
  const record = (details: object, message: string) => {
    lines.push({ message, details: details as Record<string, unknown> });
  };
  const log: ScheduleLog = { info: record, warn: record, error: record };
  await startBeacon(runtime.beacon, settings, log);
  let draws: BeaconDrawScheduler | undefined;
  const tick = () => scheduledDrawsTick(runtime.deps, schedule, log, draws)();
  const scheduler = createQueueScheduler({
    drawOne: (lotteryId) => drawBeaconLottery(runtime.deps, lotteryId),
    redisUrl: redis.url,
    timetable: schedule,
    tick: async () => {
      await options.gate?.();
      return tick();
    },
    log,
    queueName,
    ...(options.tuning ? { tuning: options.tuning } : {}),
  });
  draws = beaconDrawQueue(scheduler.queue, schedule, log);
  runtime.useBeaconDraws(draws);
  await scheduler.start();
  return {
    runtime,
    scheduler,
    lines,
    stop: async () => {
      await scheduler.stop();
      await runtime.close();
    },
  };
}

/** The log lines of ticks that ran to the end. */
export const ticksRan = (lines: readonly LogLine[]) => lines.filter((l) => l.message === 'scheduled draws ran');

export const uniqueQueueName = () => `draws-${randomBytes(4).toString('hex')}`;
