import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { emptyDatabase, freshDatabase, startTestPostgres, type TestDatabase } from '@fairdraw/adapters-postgres/testing';
import { createLottery, type Deps, registerParticipant, submitBallots } from '@fairdraw/application';
import type { Lottery } from '@fairdraw/domain';
import { type Runtime, readSettings, startRuntime } from '@fairdraw/runtime';
import { startTestRedis, type TestRedis } from '@fairdraw/runtime/testing';
import { sql } from 'kysely';
import { afterAll, beforeAll } from 'vitest';
import { buildWorker } from './child-worker.js';

/** What the worker's integration tests run against: a real PostgreSQL and a real Redis. */
export interface Stack {
  readonly postgres: { readonly url: string };
  readonly redis: TestRedis;
  stop(): Promise<void>;
}

export async function startStack(): Promise<Stack> {
  const postgres = await startTestPostgres();
  try {
    const redis = await startTestRedis();
    return {
      postgres,
      redis,
      stop: async () => {
        await redis.stop();
        await postgres.stop();
      },
    };
  } catch (error) {
    await postgres.stop();
    throw error;
  }
}

/** One key for every process of a test run (start-up refuses keys that are not random). */
const JWT_SECRET = randomBytes(32).toString('hex');

/** The settings a worker gets in these tests, as environment variables (child processes take them as they are). */
export function workerEnv(database: TestDatabase, redis: TestRedis, extra: Record<string, string> = {}): Record<string, string> {
  return {
    DATABASE_URL: database.url,
    REDIS_URL: redis.url,
    JWT_SECRET,
    SERVICE_TIMEZONE: 'UTC',
    DAILY_LOTTERIES: 'false',
    DRAW_RETRY_DELAY_MS: '200',
    LOG_LEVEL: 'silent',
    // No test reaches the public beacon relays: those that want v2 pass a local relay.
    DRAW_BEACON: 'off',
    ...extra,
  };
}

/** The runtime the worker builds for itself, over a test database. */
export function testRuntime(database: TestDatabase, redis: TestRedis, extra: Record<string, string> = {}): Promise<Runtime> {
  return startRuntime(readSettings(workerEnv(database, redis, extra)), { migrate: false });
}

export { emptyDatabase, freshDatabase, type TestDatabase };

/** A stack, a fresh database on it and the service's runtime over them, as a file's tests share them. */
export interface RuntimeStack {
  readonly stack: Stack;
  readonly database: TestDatabase;
  readonly runtime: Runtime;
}

/**
 * Registers the hooks that start them before the file's tests (building the compiled worker
 * first, for the tests that spawn it) and stop them after; read the fields inside tests only.
 */
export function useRuntimeStack(): RuntimeStack {
  const parts: { -readonly [K in keyof RuntimeStack]?: RuntimeStack[K] } = {};
  beforeAll(async () => {
    buildWorker();
    parts.stack = await startStack();
    parts.database = await freshDatabase(parts.stack.postgres);
    parts.runtime = await testRuntime(parts.database, parts.stack.redis);
  });
  afterAll(async () => {
    await parts.runtime?.close();
    await parts.database?.db.destroy();
    await parts.stack?.stop();
  });
  return {
    get stack() {
      return parts.stack ?? never();
    },
    get database() {
      return parts.database ?? never();
    },
    get runtime() {
      return parts.runtime ?? never();
    },
  };
}

function never(): never {
  throw new Error('the stack is read before beforeAll started it');
}

/** A lottery with `ballots` entries that closes `closesInMs` from now. */
export async function lotteryClosingSoon(deps: Deps, closesInMs: number, ballots = 3): Promise<Lottery> {
  // The player first: an argon2 hash must not eat into the time the lottery is open.
  const player = await registerParticipant(deps, {
    username: `player-${deps.random.uuid().slice(-12)}`,
    password: 'correct horse battery',
  });
  const lottery = await createLottery(deps, { closesAt: new Date(Date.now() + closesInMs), prizes: [{ name: 'Winner', amount: 1 }] });
  await submitBallots(deps, {
    lotteryId: lottery.id,
    player: { participantId: player.id, isAdmin: false },
    clientIp: '127.0.0.1',
    count: ballots,
    ticketNumber: null,
  });
  return lottery;
}

/** Waits until the lottery's closing instant has passed (by a margin, as the worker's clock reads it). */
export async function pastClosing(lottery: Lottery): Promise<void> {
  const closesAt = lottery.toState().closesAt?.getTime() ?? 0;
  await eventually(() => Date.now() > closesAt + 50, 'the closing instant to pass');
}

export async function lotteryStatus(deps: Deps, lottery: Lottery): Promise<string | undefined> {
  return (await deps.uow.reads.lotteries.findById(lottery.id))?.toState().status;
}

/** Draw rows stored for a lottery: counted in the table itself, so a second draw could not hide. */
export async function drawRows(database: TestDatabase, lottery: Lottery): Promise<number> {
  const { rows } = await sql<{ n: string }>`select count(*) as n from draws where lottery_id = ${lottery.id}`.execute(database.db);
  return Number(rows[0]?.n ?? 0);
}

/** Polls until the check holds; throws with `what` if it never does. */
export async function eventually(check: () => Promise<boolean> | boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`gave up waiting: ${what}`);
    await sleep(50);
  }
}
