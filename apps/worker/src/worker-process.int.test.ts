import type { Lottery } from '@fairdraw/domain';
import { Redis } from 'ioredis';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spawnCompiled, type WorkerProcess } from './testing/child-worker.js';
import {
  drawRows,
  emptyDatabase,
  eventually,
  lotteryClosingSoon,
  lotteryStatus,
  pastClosing,
  useRuntimeStack,
  workerEnv,
} from './testing/stack.js';

const shared = useRuntimeStack();
const children: WorkerProcess[] = [];
const locks: { release: () => void; done: Promise<void> }[] = [];

beforeEach(async () => {
  await emptyDatabase(shared.database.db);
  // The compiled worker always uses the same queue: start each test from an empty Redis.
  const redis = new Redis(shared.stack.redis.url);
  await redis.flushall();
  redis.disconnect();
});
afterEach(async () => {
  for (const lock of locks.splice(0)) {
    lock.release();
    await lock.done.catch(() => {});
  }
  for (const worker of children.splice(0)) {
    if (worker.child.exitCode === null && worker.child.signalCode === null) worker.child.kill('SIGKILL');
    await worker.exited;
  }
});

function startWorker(): WorkerProcess {
  // The cron stays quiet: these tests are about the catch-up job and what happens to it.
  const worker = spawnCompiled('main', workerEnv(shared.database, shared.stack.redis, { DRAW_CRON: '0 0 0 1 1 *', LOG_LEVEL: 'info' }));
  children.push(worker);
  return worker;
}

async function dueLottery(): Promise<Lottery> {
  const lottery = await lotteryClosingSoon(shared.runtime.deps, 1_000);
  await pastClosing(lottery);
  return lottery;
}

/**
 * Holds an EXCLUSIVE lock on the draws table from another session, so a worker's draw stops
 * at its INSERT: the lottery row is locked, the lottery closed and its entries sealed, all in
 * the worker's open transaction. That is "in the middle of a draw", without hooks in the code.
 */
function holdDrawsTable(): { release: () => void; done: Promise<void> } {
  let release: () => void = () => {};
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });
  const done = shared.database.db.transaction().execute(async (trx) => {
    await sql`lock table draws in exclusive mode`.execute(trx);
    await held;
  });
  const lock = { release, done };
  locks.push(lock);
  return lock;
}

async function drawsWaitingOnTheLock(): Promise<number> {
  const { rows } = await sql<{ n: string }>`
    select count(*) as n from pg_stat_activity
    where datname = current_database() and wait_event_type = 'Lock' and query ilike 'insert into "draws"%'`.execute(shared.database.db);
  return Number(rows[0]?.n ?? 0);
}

describe('the worker process', () => {
  it('draws exactly once when it is killed in the middle of a draw and started again', async () => {
    const lottery = await dueLottery();
    const lock = holdDrawsTable();
    const first = startWorker();
    await eventually(async () => (await drawsWaitingOnTheLock()) === 1, `the first worker's draw to reach its insert\n${first.output()}`);

    first.child.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');
    lock.release();
    await lock.done;
    // The dead worker's transaction never commits: its server session ends with the connection.
    await eventually(async () => (await drawsWaitingOnTheLock()) === 0, 'the killed session to end');
    expect(await drawRows(shared.database, lottery)).toBe(0);
    expect(await lotteryStatus(shared.runtime.deps, lottery)).toBe('open');

    const second = startWorker();
    await eventually(
      async () => (await lotteryStatus(shared.runtime.deps, lottery)) === 'drawn',
      `the restarted worker's draw\n${second.output()}`,
    );
    expect(await drawRows(shared.database, lottery)).toBe(1);

    second.child.kill('SIGTERM');
    expect(await second.exited).toEqual({ code: 0, signal: null });
    expect(await drawRows(shared.database, lottery)).toBe(1);
  });

  it('finishes the running job on SIGTERM before it exits, and closes its connections', async () => {
    const lottery = await dueLottery();
    const lock = holdDrawsTable();
    const worker = startWorker();
    await eventually(async () => (await drawsWaitingOnTheLock()) === 1, `the draw to reach its insert\n${worker.output()}`);

    worker.child.kill('SIGTERM');
    await eventually(() => worker.logs.some((l) => l.msg === 'shutting down: finishing the running job'), 'the shutdown to begin');
    // Still drawing: the process waits for the job instead of dropping it.
    expect(worker.child.exitCode).toBeNull();
    lock.release();
    await lock.done;

    expect(await worker.exited).toEqual({ code: 0, signal: null });
    expect(await drawRows(shared.database, lottery)).toBe(1);
    expect(await lotteryStatus(shared.runtime.deps, lottery)).toBe('drawn');
    // Logged only after the queue, Redis and the database pool were closed.
    expect(worker.logs.map((l) => l.msg)).toContain('stopped');
  });

  it('serves its own metrics on WORKER_METRICS_PORT: the draws it did and its process', async () => {
    const lottery = await dueLottery();
    const worker = spawnCompiled(
      'main',
      workerEnv(shared.database, shared.stack.redis, { DRAW_CRON: '0 0 0 1 1 *', LOG_LEVEL: 'info', WORKER_METRICS_PORT: '0' }),
    );
    children.push(worker);
    await eventually(async () => (await lotteryStatus(shared.runtime.deps, lottery)) === 'drawn', `the draw\n${worker.output()}`);
    await eventually(() => worker.logs.some((l) => l.msg === 'metrics served at /metrics'), `the metrics port\n${worker.output()}`);
    const port = worker.logs.find((l) => l.msg === 'metrics served at /metrics')?.port;
    const text = await (await fetch(`http://127.0.0.1:${String(port)}/metrics`)).text();
    expect(text).toMatch(/^fairdraw_lotteries_drawn_total 1$/m);
    expect(text).toMatch(/^fairdraw_lotteries_closed_total\{cause="due"\} 1$/m);
    expect(text).toMatch(/^fairdraw_draw_duration_seconds_count 1$/m);
    expect(text).toMatch(/^process_resident_memory_bytes \d+/m);
    worker.child.kill('SIGTERM');
    expect(await worker.exited).toEqual({ code: 0, signal: null });
  });

  it('opens no metrics port unless WORKER_METRICS_PORT is set', async () => {
    const lottery = await dueLottery();
    const worker = startWorker();
    await eventually(async () => (await lotteryStatus(shared.runtime.deps, lottery)) === 'drawn', `the draw\n${worker.output()}`);
    expect(worker.logs.map((l) => l.msg)).not.toContain('metrics served at /metrics');
    worker.child.kill('SIGTERM');
    expect(await worker.exited).toEqual({ code: 0, signal: null });
  });

  it('refuses to start without REDIS_URL, saying why', async () => {
    const { REDIS_URL: _, ...env } = workerEnv(shared.database, shared.stack.redis);
    const worker = spawnCompiled('main', env);
    children.push(worker);
    expect((await worker.exited).code).toBe(1);
    expect(worker.output()).toContain('REDIS_URL');
  });
});
