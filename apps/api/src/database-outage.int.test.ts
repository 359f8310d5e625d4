import { randomUUID } from 'node:crypto';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type EmbeddedPostgres, startEmbeddedPostgres } from '@fairdraw/adapters-postgres';
import { freePort, isAlive } from '@fairdraw/adapters-postgres/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiProcess, startApiProcess } from './testing/api-process.js';

// Issue 14.2: the API under a bounded load of ballots while its PostgreSQL crashes (what
// `pg_ctl stop -m immediate` does: SIGQUIT to the postmaster) and, later, stops for a while
// (a fast shutdown: every connection is told 57P01) and comes back on the same port.
const PLAYERS = 6;
const ADMIN = { username: 'outage-admin', password: 'admin password 123' };
const HEAL_MS = 2_000;

let dataDir = '';
let port = 0;
let server: EmbeddedPostgres | null = null;
let api: ApiProcess;

// fsync can go (a crashed server's writes are still in the OS), synchronous_commit cannot: with it
// off, COMMIT answers before its WAL is written, and a crash loses acknowledged ballots.
const settings = { fsync: 'off', full_page_writes: 'off' };
const startServer = async () => {
  server = await startEmbeddedPostgres({ dataDir: join(dataDir, 'data'), passwordFile: join(dataDir, 'password'), port, settings });
  return server;
};
const postmasterPid = async () =>
  Number((await readFile(join(server?.clusterDir ?? join(dataDir, 'data'), 'postmaster.pid'), 'utf8')).split('\n')[0]);

const call = (...args: Parameters<ApiProcess['call']>) => api.call(...args);

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'fairdraw-outage-'));
  // As root the embedded server runs as "postgres", which must be able to enter the folder.
  await chmod(dataDir, 0o755);
  port = await freePort();
  await startServer();
  api = await startApiProcess({
    DATABASE_URL: server?.url ?? '',
    RATE_LIMIT_PER_MINUTE: '1000000',
    AUTH_RATE_LIMIT_PER_MINUTE: '100000',
    ADMIN_USERNAME: ADMIN.username,
    ADMIN_PASSWORD: ADMIN.password,
  });
});

afterAll(async () => {
  await api?.stop();
  await server?.stop();
  const pid = await postmasterPid().catch(() => 0);
  if (pid > 0 && isAlive(pid)) process.kill(pid, 'SIGINT');
  if (dataDir !== '') await rm(dataDir, { recursive: true, force: true });
});

/** /health/ready every 100 ms: when it answered what. */
function watchReadiness() {
  const seen: { at: number; status: number }[] = [];
  let watching = true;
  const done = (async () => {
    while (watching) {
      const status = await call('GET', '/health/ready').then(
        (r) => r.status,
        () => 0,
      );
      seen.push({ at: Date.now(), status });
      await sleep(100);
    }
  })();
  return {
    seen,
    /** The first 200 at or after `from`. */
    readyAfter: (from: number) => seen.find((s) => s.at >= from && s.status === 200)?.at ?? null,
    stop: async () => {
      watching = false;
      await done;
    },
  };
}

/** One ballot after another per player, each with its own Idempotency-Key, until stopped. */
function ballotLoad(lotteryId: string, tokens: readonly string[]) {
  const statuses = new Map<number, number>();
  const acknowledged: string[] = [];
  let running = true;
  const players = tokens.map(async (token) => {
    while (running) {
      const answer = await call('POST', `/lotteries/${lotteryId}/ballots`, { token, body: {}, idempotencyKey: randomUUID() }).catch(
        () => null,
      );
      const status = answer?.status ?? 0;
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
      if (answer !== null && status === 201) acknowledged.push(...answer.json().ballots.map((b: { id: string }) => b.id));
      else await sleep(50);
    }
  });
  return {
    statuses,
    acknowledged,
    stop: async () => {
      running = false;
      await Promise.all(players);
    },
  };
}

/** Takes the database down, checks readiness says so, brings it back after `downMs` and times the heal. */
async function outage(readiness: ReturnType<typeof watchReadiness>, label: string, downMs: number, takeDown: () => Promise<void>) {
  await takeDown();
  const down = Date.now();
  await waitFor(() => readiness.seen.some((s) => s.at > down && s.status === 503), 10_000, `readiness 503 in the ${label}`);
  await sleep(downMs);
  await startServer();
  const back = Date.now();
  await waitFor(() => readiness.readyAfter(back) !== null, 15_000, `readiness after the ${label}`);
  expect((readiness.readyAfter(back) ?? Number.POSITIVE_INFINITY) - back, label).toBeLessThanOrEqual(HEAL_MS);
}

async function waitFor(what: () => Promise<boolean> | boolean, ms: number, label: string): Promise<void> {
  for (const until = Date.now() + ms; Date.now() < until; ) {
    if (await what()) return;
    await sleep(50);
  }
  throw new Error(`timed out waiting for ${label}`);
}

describe('a database outage under load', () => {
  it('answers 503 with Retry-After (never 500), heals within 2 s of the return without a restart, loses no acknowledged ballot, and warns once per outage', {
    timeout: 180_000,
  }, async () => {
    const admin = (await call('POST', '/auth/login', { body: ADMIN })).json().access_token;
    const lottery = (await call('POST', '/lotteries', { token: admin, body: { name: 'through the storm' } })).json();
    const tokens: string[] = [];
    for (let i = 0; i < PLAYERS; i++) {
      tokens.push(
        (await call('POST', '/auth/register', { body: { username: `storm${i}`, password: 'correct horse battery' } })).json().access_token,
      );
    }
    const readiness = watchReadiness();
    const load = ballotLoad(lottery.id, tokens);
    await sleep(1_500);

    // A crash: the postmaster and its backends die at once, no goodbye to the clients.
    await outage(readiness, 'crash', 1_500, async () => {
      const crashed = await postmasterPid();
      process.kill(crashed, 'SIGQUIT');
      await waitFor(() => !isAlive(crashed), 15_000, 'the crashed postmaster to exit');
      const during = await call('GET', `/lotteries/${lottery.id}`);
      expect(during.status).toBe(503);
      expect(during.json().code).toBe('SERVICE_UNAVAILABLE');
      expect(Number(during.headers.get('retry-after'))).toBeGreaterThan(0);
    });
    await sleep(1_500);
    // A stop of a few seconds: every connection is told the server is shutting down (57P01).
    await outage(readiness, 'stop', 4_000, async () => {
      await server?.stop();
    });
    await sleep(1_500);
    await load.stop();
    await readiness.stop();

    // Only 201 and 503 (never 500), and some of each.
    expect([...load.statuses.keys()].sort()).toEqual([201, 503]);
    expect(load.acknowledged.length).toBeGreaterThan(0);

    // Every acknowledged ballot is in the entries once the lottery closes.
    expect((await call('POST', `/lotteries/${lottery.id}/close`, { token: admin })).status).toBe(200);
    const entries = await call('GET', `/lotteries/${lottery.id}/entries`);
    expect(entries.status).toBe(200);
    const served = new Set(
      entries.text
        .split('\n')
        .filter(Boolean)
        .map((line) => line.split(':')[1]),
    );
    expect(load.acknowledged.filter((id) => !served.has(id))).toEqual([]);

    // One warning per outage and a note at each return; no error logged per request.
    const lines = api.logLines();
    const named = (prefix: string) => lines.filter((line) => String(line.msg).startsWith(prefix));
    // Down, up, down, up: never a second warning without a return between. (The embedded
    // server's start may itself bounce once, which the service rightly sees as one more outage.)
    const states = lines
      .filter((line) => /^database (unreachable|reachable again)/.test(String(line.msg)))
      .map((line) => (String(line.msg).startsWith('database unreachable') ? 'down' : 'up'));
    expect(states.length).toBeGreaterThanOrEqual(4);
    expect(states).toEqual(states.map((_, i) => (i % 2 === 0 ? 'down' : 'up')));
    expect(named('database unreachable').every((line) => line.level === 40)).toBe(true);
    expect(lines.filter((line) => Number(line.level) >= 50)).toEqual([]);
    expect(lines.filter((line) => Number(line.level) === 40).map((line) => line.msg)).toEqual(
      named('database unreachable').map((line) => line.msg),
    );
  });
});
