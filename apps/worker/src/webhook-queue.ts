import type { DeliveryTick, JobScheduler } from '@fairdraw/application';
import type { ScheduleLog } from '@fairdraw/runtime';
import { Queue, Worker } from 'bullmq';
import { connectRedis } from './redis-connection.js';

const QUEUE_NAME = 'fairdraw-webhooks';
/** One id for every worker: upserting it again replaces the schedule, never adds a second. */
const DELIVERY_SCHEDULER_ID = 'deliver-webhooks';

export interface WebhookQueueOptions {
  readonly redisUrl: string;
  readonly tick: () => Promise<DeliveryTick>;
  readonly log: ScheduleLog;
  readonly everyMs: number;
  readonly queueName?: string;
}

/**
 * Webhook deliveries in the worker: a BullMQ job scheduler fires a delivery tick every
 * `everyMs`, and any number of workers share its jobs. What is due, and each delivery's attempts
 * and backoff, live in PostgreSQL (the outbox), written with the change they report; a worker
 * claims deliveries with a lease (SKIP LOCKED), so two workers never attempt one at once, and a
 * job run twice only finds nothing due.
 */
export function createWebhookQueue(options: WebhookQueueOptions): JobScheduler {
  const name = options.queueName ?? QUEUE_NAME;
  const connection = connectRedis(options.redisUrl, `${name}:queue`);
  const workerConnection = connectRedis(options.redisUrl, `${name}:worker`);
  const queue = new Queue(name, { connection });
  let worker: Worker | null = null;
  return {
    async start() {
      await queue.upsertJobScheduler(
        DELIVERY_SCHEDULER_ID,
        { every: options.everyMs },
        { name: DELIVERY_SCHEDULER_ID, opts: { removeOnComplete: { count: 100 }, removeOnFail: { count: 100 } } },
      );
      worker = new Worker(name, async () => ({ ...(await options.tick()) }), { connection: workerConnection, concurrency: 1 });
      worker.on('failed', (job, error) =>
        options.log.warn({ job_id: job?.id, err: error }, 'webhook delivery job failed; the next one tries again'),
      );
      worker.on('error', (error) => options.log.error({ err: error }, 'webhook worker error'));
    },
    async stop() {
      await worker?.close();
      await queue.close();
      connection.disconnect();
      workerConnection.disconnect();
    },
  };
}
