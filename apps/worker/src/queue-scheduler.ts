import { setTimeout as sleep } from 'node:timers/promises';
import { type JobScheduler, type ScheduledDrawsOutcome, StoreUnavailable } from '@fairdraw/application';
import { BEACON_DRAW_JOB, DRAW_QUEUE_NAME, describeOutcome, type ScheduleLog, type Timetable } from '@fairdraw/runtime';
import { DelayedError, type Job, Queue, Worker, type WorkerOptions } from 'bullmq';
import { connectRedis } from './redis-connection.js';

const QUEUE_NAME = DRAW_QUEUE_NAME;
/** One id for every worker and every start: upserting it again replaces, never duplicates. */
export const SCHEDULER_ID = 'close-and-draw';
const JOB_NAME = 'close-and-draw';
/** A worker whose clock runs behind the scheduling one waits at most this long for the slot. */
const MAX_SKEW_WAIT_MS = 60_000;

export type WorkerTuning = Pick<WorkerOptions, 'lockDuration' | 'stalledInterval' | 'maxStalledCount' | 'skipLockRenewal' | 'drainDelay'>;

export interface QueueSchedulerOptions {
  readonly redisUrl: string;
  readonly timetable: Timetable;
  /** One tick of the use case; a summary of its outcome is kept with the job for inspection. */
  readonly tick: () => Promise<ScheduledDrawsOutcome>;
  /** A delayed fairdraw-v2 draw (job BEACON_DRAW_JOB) of one lottery, at its round's time. */
  readonly drawOne?: ((lotteryId: string) => Promise<unknown>) | undefined;
  readonly log: ScheduleLog;
  readonly queueName?: string;
  readonly workerName?: string;
  readonly tuning?: WorkerTuning;
}

export interface QueueScheduler extends JobScheduler {
  readonly queue: Queue;
}

/**
 * The production scheduler: a BullMQ job scheduler fires DRAW_CRON in SERVICE_TIMEZONE and any
 * number of these workers share its jobs. BullMQ delivers at least once (a killed worker's job
 * runs again), which is safe because the tick reads what is due from the database and a draw
 * is unique per lottery there. Nothing about which lotteries are due is kept in Redis.
 */
export function createQueueScheduler(options: QueueSchedulerOptions): QueueScheduler {
  const { timetable, log } = options;
  const name = options.queueName ?? QUEUE_NAME;
  const connection = connectRedis(options.redisUrl, `${name}:queue`);
  const workerConnection = connectRedis(options.redisUrl, `${name}:worker`);
  const queue = new Queue(name, { connection });
  const retries = { attempts: timetable.attempts, backoff: { type: 'fixed' as const, delay: timetable.retryDelayMs } };
  const history = { removeOnComplete: { count: 500 }, removeOnFail: { count: 500 } };
  let worker: Worker | null = null;

  async function run(job: Job, token?: string): Promise<unknown> {
    if (job.name === BEACON_DRAW_JOB) {
      const lotteryId = String((job.data as { lotteryId?: unknown }).lotteryId);
      log.info({ job_id: job.id, attempt: job.attemptsMade + 1, lottery_id: lotteryId }, 'beacon draw job started');
      // Fails while the round is not out or no relay gives it: BullMQ retries it.
      return options.drawOne?.(lotteryId) ?? null;
    }
    // A scheduled job carries its slot; if this machine's clock is behind the one that
    // promoted the job, wait for the slot, or the lottery closing at it would look not yet due.
    const slot = job.opts.prevMillis ?? job.timestamp;
    const early = slot - Date.now();
    if (early > 0) await sleep(Math.min(early, MAX_SKEW_WAIT_MS));
    log.info({ job_id: job.id, attempt: job.attemptsMade + 1, slot: new Date(slot).toISOString() }, 'draw job started');
    try {
      // Only ids and counts go to Redis: a provisioned lottery holds its secret seed.
      return describeOutcome(await options.tick());
    } catch (error) {
      // An unreachable database is no fault of the run: the job waits for it without using up
      // an attempt, however long the outage (the runtime has warned of it once already), so a
      // lottery due during an outage is drawn soon after it rather than at the next slot.
      if (!(error instanceof StoreUnavailable) || token === undefined) throw error;
      log.info({ job_id: job.id, retry_in_ms: timetable.retryDelayMs }, 'draw job waits for the database; retrying');
      await job.moveToDelayed(Date.now() + timetable.retryDelayMs, token);
      throw new DelayedError();
    }
  }

  return {
    queue,
    async start() {
      await queue.upsertJobScheduler(
        SCHEDULER_ID,
        { pattern: timetable.cron, tz: timetable.timeZone },
        { name: JOB_NAME, opts: { ...retries, ...history } },
      );
      worker = new Worker(name, run, {
        connection: workerConnection,
        concurrency: 1,
        ...(options.workerName ? { name: options.workerName } : {}),
        ...options.tuning,
      });
      worker.on('failed', (job, error) => {
        const attempts = job?.opts.attempts ?? 1;
        const final = (job?.attemptsMade ?? attempts) >= attempts;
        log[final ? 'error' : 'warn'](
          { job_id: job?.id, attempt: job?.attemptsMade, attempts, err: error },
          final ? 'draw job failed for good; the next slot will try again' : 'draw job failed; it will be retried',
        );
      });
      worker.on('error', (error) => log.error({ err: error }, 'draw worker error'));
      // Catch up on whatever fell due while no worker ran. Not deduplicated: after a crash the
      // dead worker's job still looks active until its lock expires, and a fresh job must not
      // wait for that. Workers starting together add one job each, which is harmless.
      await queue.add(JOB_NAME, {}, { ...retries, ...history });
    },
    async stop() {
      // close() waits for the running job; a process killed before it ends hands the job back
      // through BullMQ's stalled-job check, and its uncommitted draw rolls back.
      await worker?.close();
      await queue.close();
      // Connections handed to BullMQ stay ours to close.
      connection.disconnect();
      workerConnection.disconnect();
    },
  };
}
