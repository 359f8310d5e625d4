import { buildServer } from '@fairdraw/adapters-http';
import { StoreUnavailable } from '@fairdraw/application';
import type { Job } from 'bullmq';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SCHEDULER_ID } from './queue-scheduler.js';
import {
  drawRows,
  eventually,
  freshDatabase,
  lotteryClosingSoon,
  lotteryStatus,
  pastClosing,
  type Stack,
  startStack,
  type TestDatabase,
  testRuntime,
} from './testing/stack.js';
import { startTestWorker, type TestWorkerOptions, ticksRan, uniqueQueueName } from './testing/workers.js';

let stack: Stack;
let database: TestDatabase;
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.stop();
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function startWorker(queueName: string, options: TestWorkerOptions = {}) {
  const worker = await startTestWorker(database, stack.redis, queueName, options);
  cleanups.push(worker.stop);
  return worker;
}

describe('the BullMQ worker', () => {
  beforeAll(async () => {
    database = await freshDatabase(stack.postgres);
  });
  afterAll(async () => {
    await database?.db.destroy();
  });

  it('fires a seconds cron and draws a lottery whose closing instant just passed, visible through the API', async () => {
    const worker = await startWorker(uniqueQueueName(), { cron: '* * * * * *' });
    await eventually(() => ticksRan(worker.lines).length >= 1, 'the catch-up tick');
    const lottery = await lotteryClosingSoon(worker.runtime.deps, 1_500);
    expect(await lotteryStatus(worker.runtime.deps, lottery)).toBe('open');

    await eventually(async () => (await lotteryStatus(worker.runtime.deps, lottery)) === 'drawn', 'the draw');
    // The draw commits inside the job, and BullMQ records the job as completed a moment later.
    const jobsThatDrewIt = async () =>
      (await worker.scheduler.queue.getJobs(['completed'])).filter((job) =>
        (job.returnvalue as { drawn: { lottery_id: string }[] }).drawn.some((d) => d.lottery_id === lottery.id),
      );
    await eventually(async () => (await jobsThatDrewIt()).length > 0, 'the job that drew it, completed');
    const drewIt = await jobsThatDrewIt();
    expect(drewIt).toHaveLength(1);
    // The cron's job scheduler drew it, not the catch-up job.
    expect(drewIt[0]?.repeatJobKey).toBe(SCHEDULER_ID);
    expect(await drawRows(database, lottery)).toBe(1);

    const app = await buildServer({
      deps: worker.runtime.deps,
      jwt: { secret: worker.runtime.jwtSecret, issuer: 'fairdraw', audience: 'fairdraw-api', accessTtlSeconds: 900 },
      adminIpAllowlist: [],
      trustProxy: false,
      rateLimitPerMinute: 600,
      logger: false,
      responseSecret: worker.runtime.responseKey.toString('hex'),
      readiness: async () => ({ database: 'ok' }),
    });
    cleanups.push(() => app.close());
    const response = await app.inject({ method: 'GET', url: `/lotteries/${lottery.id}/winners` });
    expect(response.statusCode).toBe(200);
    const body = response.json() as { status: string; winners: { rank: number; prize: string }[]; seed: string | null };
    expect(body.status).toBe('drawn');
    expect(body.winners).toEqual([expect.objectContaining({ rank: 1, prize: 'Winner' })]);
  });

  it('keeps one job scheduler however often workers start', async () => {
    const name = uniqueQueueName();
    const first = await startWorker(name, { cron: '0 0 * * *' });
    await startWorker(name, { cron: '0 0 * * *' });
    await startWorker(name, { cron: '0 0 * * *' });
    const schedulers = await first.scheduler.queue.getJobSchedulers();
    expect(schedulers.map((s) => [s.key, s.pattern, s.tz])).toEqual([[SCHEDULER_ID, '0 0 * * *', 'UTC']]);
    // One delayed job: the next midnight, whoever upserted last.
    expect(await first.scheduler.queue.getDelayedCount()).toBe(1);
  });

  it('draws a lottery that fell due while no worker ran, once, when a worker starts', async () => {
    const runtime = await testRuntime(database, stack.redis);
    cleanups.push(() => runtime.close());
    const lottery = await lotteryClosingSoon(runtime.deps, 1_000);
    await pastClosing(lottery);
    expect(await lotteryStatus(runtime.deps, lottery)).toBe('open');

    const name = uniqueQueueName();
    const worker = await startWorker(name);
    await eventually(async () => (await lotteryStatus(runtime.deps, lottery)) === 'drawn', 'the catch-up draw');
    // A second start (say, a restart) finds nothing more to do; either worker may take its job.
    const again = await startWorker(name);
    const ticks = () => ticksRan(worker.lines).concat(ticksRan(again.lines));
    await eventually(() => ticks().length >= 2, 'the second catch-up tick');
    expect(
      ticks()
        .map((l) => (l.details.drawn as unknown[]).length)
        .sort(),
    ).toEqual([0, 1]);
    expect(await drawRows(database, lottery)).toBe(1);
  });

  it('retries a failed tick with the configured attempts and delay', async () => {
    let failures = 1;
    const worker = await startWorker(uniqueQueueName(), {
      gate: async () => {
        if (failures-- > 0) throw new Error('database restarting');
      },
    });
    await eventually(() => ticksRan(worker.lines).length >= 1, 'the retried tick');
    // BullMQ records the job as completed a moment after the tick's log line.
    const [job] = await completedJobs(worker);
    expect(job?.attemptsMade).toBe(2);
    expect(job?.opts.attempts).toBe(10);
    expect(job?.opts.backoff).toEqual({ type: 'fixed', delay: 200 });
  });

  it('lets a tick that finds the database away wait for it without using up an attempt', async () => {
    let outage = 3;
    const worker = await startWorker(uniqueQueueName(), {
      gate: async () => {
        if (outage-- > 0) throw new StoreUnavailable('the database cannot be reached right now; retry shortly', 2);
      },
    });
    await eventually(() => ticksRan(worker.lines).length >= 1, 'the tick after the outage');
    const [job] = await completedJobs(worker);
    expect(outage).toBeLessThan(0);
    expect(job?.attemptsMade).toBe(1);
    expect(worker.lines.filter((line) => line.message.includes('waits for the database'))).toHaveLength(3);
  });
});

/** The queue's completed jobs, once there is one. */
async function completedJobs(worker: { scheduler: { queue: { getJobs(states: ['completed']): Promise<Job[]> } } }): Promise<Job[]> {
  let jobs: Job[] = [];
  await eventually(async () => {
    jobs = await worker.scheduler.queue.getJobs(['completed']);
    return jobs.length > 0;
  }, 'a completed job');
  return jobs;
}
