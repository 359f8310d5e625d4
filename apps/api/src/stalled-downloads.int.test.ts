import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { freshDatabase, startTestPostgres, type TestDatabase } from '@fairdraw/adapters-postgres/testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiProcess, startApiProcess } from './testing/api-process.js';
import { type StalledClients, stallDownloads } from './testing/stalled-clients.js';

// Issue 10.2: clients that ask for the entries of a big lottery and never read the answer must
// not take the database pool (and with it the whole API) away from everyone else.
const POOL_SIZE = 4;
const MAX_DOWNLOADS = 20;
// The write deadline is tested apart (adapters-http entries-download.test.ts); here it must not
// end a stalled download before the checks, however long a busy machine takes to reach them.
const STALL_TIMEOUT_MS = 600_000;
const BALLOTS = 200_000;
const ACQUIRE_TIMEOUT_MS = 3_000;
const ADMIN = { username: 'download-admin', password: 'admin password 123' };

let postgres: { url: string; stop(): Promise<void> };
let database: TestDatabase;
let api: ApiProcess;
let admin = '';
let stalled: StalledClients | undefined;

/** The status of a download, without reading its body. */
async function downloadStatus(path: string): Promise<{ status: number; retryAfter: string | null; code?: string }> {
  const response = await fetch(`${api.base}${path}`);
  if (response.status === 200) {
    await response.body?.cancel();
    return { status: 200, retryAfter: null };
  }
  const body = (await response.json()) as { code?: string };
  return { status: response.status, retryAfter: response.headers.get('retry-after'), code: body.code ?? '' };
}

const call = (...args: Parameters<ApiProcess['call']>) => api.call(...args);

/** A lottery of BALLOTS entries, closed (so sealed: its digest is published). */
async function bigLottery(): Promise<{ id: string; digest: string }> {
  const { id } = (await call('POST', '/lotteries', { token: admin, body: { name: 'big one' } })).json();
  // Written straight into the table: issuing 200,000 tickets through HTTP would take minutes.
  await sql`insert into ballots (id, lottery_id, ticket_number, participant_id, ip_hash, code_hash, created_at)
    select gen_random_uuid(), ${id}::uuid, n, null, null, 'not-a-code', now() from generate_series(1, ${BALLOTS}::integer) n`.execute(
    database.db,
  );
  await sql`update lotteries set tickets_issued = ${BALLOTS} where id = ${id}::uuid`.execute(database.db);
  expect((await call('POST', `/lotteries/${id}/close`, { token: admin })).status).toBe(200);
  const record = (await call('GET', `/lotteries/${id}/draw`)).json();
  expect(record.n).toBe(BALLOTS);
  return { id, digest: record.entries_digest };
}

/**
 * Waits until nothing reads the ballots table for a while: every chunk a download reads is an
 * index scan of it, and nothing else here touches it (the webhook timer polls other tables).
 */
async function quietStore(): Promise<void> {
  const reads = async () =>
    Number(
      (
        await sql<{ n: string }>`select coalesce(idx_tup_fetch, 0) + seq_tup_read as n from pg_stat_user_tables
          where relname = 'ballots'`.execute(database.db)
      ).rows[0]?.n,
    );
  let before = await reads();
  for (const until = Date.now() + 120_000; Date.now() < until; ) {
    // Backends report their counts at most once a second.
    await sleep(2_000);
    const now = await reads();
    if (now === before) return;
    before = now;
  }
  throw new Error('the downloads never stopped reading from the store');
}

async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await work();
  return { value, ms: performance.now() - started };
}

beforeAll(async () => {
  postgres = await startTestPostgres();
  database = await freshDatabase(postgres);
  api = await startApiProcess({
    DATABASE_URL: database.url,
    DATABASE_POOL_SIZE: String(POOL_SIZE),
    // Long enough for a machine whose other work starves this one for a while.
    DATABASE_ACQUIRE_TIMEOUT_MS: String(ACQUIRE_TIMEOUT_MS),
    ENTRIES_MAX_DOWNLOADS: String(MAX_DOWNLOADS),
    ENTRIES_STALL_TIMEOUT_MS: String(STALL_TIMEOUT_MS),
    RATE_LIMIT_PER_MINUTE: '100000',
    // One ballot turn per lottery at once (a turn serves many lotteries, two at a time by
    // default), so that the second test's ballots can hold the whole pool; and every lottery
    // read from the database, so that it meets the exhausted pool.
    BALLOT_TURNS: String(POOL_SIZE),
    LOTTERY_CACHE_MS: '0',
    ADMIN_USERNAME: ADMIN.username,
    ADMIN_PASSWORD: ADMIN.password,
  });
  admin = (await call('POST', '/auth/login', { body: ADMIN })).json().access_token;
});

afterAll(async () => {
  stalled?.stop();
  await api?.stop();
  await database?.drop();
  await postgres?.stop();
});

describe('entries downloads whose clients never read', () => {
  it(`hold no database connection: with ${MAX_DOWNLOADS} stalled and a pool of ${POOL_SIZE}, other requests answer within 2 s`, {
    timeout: 300_000,
  }, async () => {
    const lottery = await bigLottery();
    const path = `/lotteries/${lottery.id}/entries`;
    // Two more than the bound, so that it is full of them whatever order they are served in.
    stalled = await stallDownloads(Number(new URL(api.base).port), path, MAX_DOWNLOADS + 2);
    const arrived = () => api.logLines().filter((line) => line.msg === 'incoming request' && (line.req as { url?: string })?.url === path);
    while (arrived().length < MAX_DOWNLOADS + 2) await sleep(100);
    await sleep(500);

    // Every slot taken: one more download is 503 SERVICE_UNAVAILABLE with Retry-After.
    let refused = await downloadStatus(path);
    for (let tries = 0; refused.status !== 503 && tries < 100; tries++) {
      await sleep(100);
      refused = await downloadStatus(path);
    }
    expect(refused).toMatchObject({ status: 503, code: 'SERVICE_UNAVAILABLE' });
    expect(Number(refused.retryAfter)).toBeGreaterThan(0);
    // The kernel takes a megabyte or so of each answer before the sockets stop draining; once
    // the store sees no more chunk reads, every download waits on its client.
    await quietStore();

    // While they stall, requests that need the database are served at once.
    for (let i = 0; i < 5; i++) {
      const answer = await timed(() => call('GET', `/lotteries/${lottery.id}`));
      expect(answer.value.status).toBe(200);
      expect(answer.ms).toBeLessThan(2_000);
    }
    const participant = await timed(() =>
      call('POST', '/auth/register', { body: { username: 'still-served', password: 'correct horse battery' } }),
    );
    expect(participant.value.status).toBe(201);
    expect(participant.ms).toBeLessThan(2_000);
    expect((await call('GET', '/health/ready')).status).toBe(200);
    // They were in flight all along: the bound is still full.
    expect((await downloadStatus(path)).status).toBe(503);

    // Clients that go away free their slots; a download that reads gets the whole text, byte
    // for byte what the published digest covers, across every chunk boundary.
    stalled.stop();
    let served = await call('GET', path);
    for (let tries = 0; served.status === 503 && tries < 100; tries++) {
      await sleep(200);
      served = await call('GET', path);
    }
    expect(served.status).toBe(200);
    expect(createHash('sha256').update(served.text).digest('hex')).toBe(lottery.digest);
    expect(served.text.split('\n').filter(Boolean)).toHaveLength(BALLOTS);
  });

  it('a pool held by something slower than the acquire timeout answers 503 SERVICE_UNAVAILABLE with Retry-After, then recovers', async () => {
    const player = (
      await call('POST', '/auth/register', { body: { username: 'queued-player', password: 'correct horse battery' } })
    ).json();
    const lotteries: string[] = [];
    for (let i = 0; i < POOL_SIZE; i++) lotteries.push((await call('POST', '/lotteries', { token: admin, body: {} })).json().id);
    let release = () => {};
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    let locked = () => {};
    const lockedAll = new Promise<void>((resolve) => {
      locked = resolve;
    });
    // The test holds every lottery's row lock: each ballot turn (one per lottery here, as
    // BALLOT_TURNS allows) then holds a pooled connection while it waits for its lock, and
    // POOL_SIZE of them take the whole pool.
    const holding = database.db.transaction().execute(async (trx) => {
      await sql`select id from lotteries where id = any(${lotteries}::uuid[]) for update`.execute(trx);
      locked();
      await released;
    });
    await lockedAll;
    const ballots = lotteries.map((id) => call('POST', `/lotteries/${id}/ballots`, { token: player.access_token, body: {} }));
    // Until every turn waits on its lock (and so holds its connection).
    const waiting = async () =>
      Number(
        (
          await sql<{ n: number }>`select count(*)::int as n from pg_stat_activity
            where datname = current_database() and wait_event_type = 'Lock'`.execute(database.db)
        ).rows[0]?.n,
      );
    while ((await waiting()) < POOL_SIZE) await sleep(50);

    const answer = await timed(() => call('GET', `/lotteries/${lotteries[0]}`));
    expect(answer.value.status).toBe(503);
    expect(answer.value.json().code).toBe('SERVICE_UNAVAILABLE');
    expect(Number(answer.value.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(answer.ms).toBeGreaterThanOrEqual(ACQUIRE_TIMEOUT_MS - 100);

    release();
    await holding;
    expect((await Promise.all(ballots)).map((b) => b.status)).toEqual(lotteries.map(() => 201));
    expect((await call('GET', `/lotteries/${lotteries[0]}`)).status).toBe(200);
    // The operator hears of the exhausted pool (at most once a minute), with no error per request.
    const lines = api.logLines();
    expect(lines.filter((line) => String(line.msg).startsWith('database pool exhausted')).length).toBeGreaterThanOrEqual(1);
    expect(lines.filter((line) => Number(line.level) >= 50)).toEqual([]);
  });
});
