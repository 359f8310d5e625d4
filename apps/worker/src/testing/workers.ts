import { randomBytes } from 'node:crypto';
import { drawSchedule, type Runtime, readSettings, type ScheduleLog, scheduledDrawsTick } from '@fairdraw/api';
import type { TestRedis } from '@fairdraw/api/testing';
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
}

/** A worker as main.ts builds it (its own runtime, pool and connections), on the queue given. */
export async function startTestWorker(
  database: TestDatabase,
  redis: TestRedis,
  queueName: string,
  options: TestWorkerOptions = {},
): Promise<TestWorker> {
  const cron = { DRAW_CRON: options.cron ?? '0 0 0 1 1 *' };
  const runtime = await testRuntime(database, redis, cron);
  const schedule = drawSchedule(readSettings(workerEnv(database, redis, cron)));
  const lines: LogLine[] = [];
  const record = (details: object, message: string) => {
    lines.push({ message, details: details as Record<string, unknown> });
  };
  const log: ScheduleLog = { info: record, warn: record, error: record };
  const tick = scheduledDrawsTick(runtime.deps, schedule, log);
  const scheduler = createQueueScheduler({
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
