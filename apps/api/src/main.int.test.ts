import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { isAlive } from '@fairdraw/adapters-postgres/testing';
import { addDays, verifyRecord } from '@fairdraw/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The real process, as `npm start` runs it: node apps/api/dist/main.js with an embedded
// PostgreSQL under a fresh DATA_DIR, spoken to over HTTP only, then stopped with SIGTERM.
const root = fileURLToPath(new URL('../../../', import.meta.url));
const ADMIN = { username: 'root-admin', password: 'admin password 123' };

let dataDir = '';
let child: ChildProcess | null = null;
let exited: Promise<number | null> = Promise.resolve(null);
let output = '';
let base = '';

/** Resolves with the address from pino's "Server listening at ..." line; rejects if the process exits first. */
function listeningAddress(process: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    process.stdout?.on('data', () => {
      const match = /"msg":"Server listening at (http:\/\/127\.0\.0\.1:\d+)"/.exec(output);
      if (match?.[1]) resolve(match[1]);
    });
    process.once('exit', (code) => reject(new Error(`the API exited with ${code} before listening:\n${output}`)));
  });
}

const postmasterPid = async () => Number((await readFile(join(dataDir, 'postgres', 'postmaster.pid'), 'utf8')).split('\n')[0]);

beforeAll(async () => {
  // tsc -b rebuilds only what changed; the child runs the compiled code, not the sources.
  execFileSync(`${root}node_modules/.bin/tsc`, ['-b', 'apps/api'], { cwd: root, stdio: 'inherit' });
  dataDir = await mkdtemp(join(tmpdir(), 'fairdraw-api-'));
  // As root the embedded server runs as "postgres", which must be able to enter DATA_DIR.
  await chmod(dataDir, 0o755);
  child = spawn(process.execPath, [`${root}apps/api/dist/main.js`], {
    cwd: root,
    env: {
      PATH: process.env.PATH ?? '',
      DATA_DIR: dataDir,
      PORT: '0', // the OS picks a free port; the log line says which
      HOST: '127.0.0.1',
      ADMIN_USERNAME: ADMIN.username,
      ADMIN_PASSWORD: ADMIN.password,
      DAILY_LOTTERIES: 'true',
      LOG_LEVEL: 'info',
      // No test reaches the public beacon relays.
      DRAW_BEACON: 'off',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const started = child;
  started.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  started.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  exited = new Promise((resolve) => started.once('exit', (code) => resolve(code)));
  base = await listeningAddress(started);
  while (
    (await fetch(`${base}/health/ready`).then(
      (r) => r.status,
      () => 0,
    )) !== 200
  )
    await sleep(100);
});

afterAll(async () => {
  // Only if a test failed before the SIGTERM test: never leave the process or its postgres behind.
  if (child !== null && child.exitCode === null && child.signalCode === null) {
    child.kill('SIGKILL');
    await exited;
  }
  const pid = await postmasterPid().catch(() => 0);
  if (pid > 0 && isAlive(pid)) process.kill(pid, 'SIGINT');
  if (dataDir !== '') await rm(dataDir, { recursive: true, force: true });
});

interface Answer<T> {
  status: number;
  type: string;
  body: T;
}

// Only the fields the test reads; the HTTP adapter's own tests check every shape.
interface Tokens {
  access_token: string;
}
interface IssuedBallot {
  id: string;
  ticket_number: number;
  verification_code: string;
}
interface Draw {
  drawn_at: string;
  entries_digest: string;
  winners: { ballot_id: string; prize: string }[];
}

async function call<T = Record<string, unknown>>(
  method: string,
  path: string,
  options: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<Answer<T>> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${base}${path}`, {
    method,
    headers,
    body: options.body === undefined ? null : JSON.stringify(options.body),
  });
  const type = response.headers.get('content-type') ?? '';
  const text = await response.text();
  return { status: response.status, type, body: (type.includes('json') ? JSON.parse(text) : text) as T };
}

const today = () => new Date().toISOString().slice(0, 10); // SERVICE_TIMEZONE is UTC by default

describe('the API process', () => {
  it('serves the OpenAPI document and the interactive docs', async () => {
    const openapi = await call<{ openapi: string; paths: object }>('GET', '/openapi.json');
    expect(openapi.status).toBe(200);
    expect(openapi.body.openapi).toMatch(/^3\./);
    expect(Object.keys(openapi.body.paths)).toEqual(
      expect.arrayContaining(['/lotteries', '/lotteries/{id}/ballots', '/lotteries/{id}/draw']),
    );
    const docs = await call('GET', '/docs');
    expect(docs.status).toBe(200);
    expect(docs.type).toContain('text/html');
  });

  it('keeps a daily lottery open for today', async () => {
    // The scheduler's catch-up tick provisions the dates just after start; wait for it.
    let answer = await call('GET', `/lotteries/by-date/${today()}`);
    while (answer.status === 404) {
      await sleep(100);
      answer = await call('GET', `/lotteries/by-date/${today()}`);
    }
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ closes_on: today(), status: 'open' });
    const winners = await call('GET', `/lotteries/by-date/${today()}/winners`);
    expect(winners.body).toMatchObject({ lottery_id: answer.body.id, status: 'open', winners: [] });
  });

  it('plays a whole lottery over HTTP: register, create, play, close, draw, winners, entries', async () => {
    const alice = await call<Tokens>('POST', '/auth/register', { body: { username: 'alice', password: 'alice password 1' } });
    expect(alice.status).toBe(201);
    const bob = await call<Tokens>('POST', '/auth/register', { body: { username: 'bob', password: 'bob password 12' } });
    const admin = await call<Tokens>('POST', '/auth/login', { body: ADMIN });
    expect(admin.status).toBe(200);

    // A date beyond the daily lotteries' week, so that it is free and the by-date routes find this one.
    const closesOn = addDays(today(), 30);
    const prizes = [
      { name: 'Gold', amount: 1 },
      { name: 'Silver', amount: 1 },
    ];
    const created = await call('POST', '/lotteries', {
      token: admin.body.access_token,
      body: { name: 'smoke test', closes_on: closesOn, prizes },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ status: 'open', closes_on: closesOn, prizes });
    const id = String(created.body.id);

    const mine = await call<{ ballots: IssuedBallot[] }>('POST', `/lotteries/${id}/ballots`, {
      token: alice.body.access_token,
      body: { count: 3 },
    });
    expect(mine.status).toBe(201);
    const key = { 'idempotency-key': 'bob-first-try' };
    const theirs = await call<{ ballots: IssuedBallot[] }>('POST', `/lotteries/${id}/ballots`, {
      token: bob.body.access_token,
      body: { count: 2 },
      headers: key,
    });
    expect(theirs.status).toBe(201);
    const replay = await call('POST', `/lotteries/${id}/ballots`, { token: bob.body.access_token, body: { count: 2 }, headers: key });
    expect(replay.body).toEqual(theirs.body);
    const ballots = [...mine.body.ballots, ...theirs.body.ballots];
    expect(ballots.map((b) => b.ticket_number)).toEqual([1, 2, 3, 4, 5]);

    const closed = await call('POST', `/lotteries/${id}/close`, { token: admin.body.access_token });
    expect(closed).toMatchObject({ status: 200, body: { status: 'closed', tickets_issued: 5 } });
    const late = await call('POST', `/lotteries/${id}/ballots`, { token: alice.body.access_token, body: {} });
    expect(late).toMatchObject({
      status: 409,
      type: expect.stringContaining('application/problem+json'),
      body: { code: 'LOTTERY_CLOSED' },
    });

    const draw = await call<Draw>('POST', `/lotteries/${id}/draw`, { token: admin.body.access_token });
    expect(draw.status).toBe(201);
    expect(draw.body).toMatchObject({ status: 'drawn', algorithm: 'fairdraw-v1', n: 5 });
    expect(draw.body.winners.map((w) => w.prize)).toEqual(['Gold', 'Silver']);

    expect((await call('GET', `/lotteries/${id}/winners`)).body).toEqual(draw.body);
    expect((await call('GET', `/lotteries/by-date/${closesOn}/winners`)).body).toEqual(draw.body);
    expect((await call('GET', `/lotteries/${id}/draw`)).body).toEqual(draw.body);
    const drawnOn = draw.body.drawn_at.slice(0, 10);
    const listed = await call<{ items: unknown[] }>('GET', `/winners?from=${drawnOn}&to=${drawnOn}`);
    expect(listed.body.items).toContainEqual(draw.body);

    const entries = await call<string>('GET', `/lotteries/${id}/entries`);
    expect(entries).toMatchObject({ status: 200, type: expect.stringContaining('text/plain') });
    expect(entries.body).toBe(ballots.map((b) => `${b.ticket_number}:${b.id}\n`).join(''));
    // Drawn, the entries never change again: cached for good, their digest is the ETag, and a
    // client holding them is answered 304 without the body.
    const fresh = await fetch(`${base}/lotteries/${id}/entries`);
    await fresh.arrayBuffer();
    expect(fresh.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const etag = fresh.headers.get('etag') ?? '';
    expect(etag).toBe(`"${draw.body.entries_digest}"`);
    const revalidated = await fetch(`${base}/lotteries/${id}/entries`, { headers: { 'if-none-match': etag } });
    expect(revalidated.status).toBe(304);
    expect(await revalidated.text()).toBe('');
    // Anyone can recompute the winners from what the service published.
    const lottery = await call('GET', `/lotteries/${id}`);
    expect(verifyRecord(lottery.body, draw.body, entries.body)).toEqual([]);

    const gold = ballots.find((b) => b.id === draw.body.winners[0]?.ballot_id);
    if (gold === undefined) throw new Error('the Gold winner is not among the ballots taken');
    const verified = await call('POST', `/lotteries/${id}/verify`, {
      body: { ticket_number: gold.ticket_number, verification_code: gold.verification_code },
    });
    expect(verified.body).toEqual({ has_won: true, prize: 'Gold' });
  });

  it('serves its metrics to loopback: what the lottery above did, its pool and the process', async () => {
    const metrics = await call<string>('GET', '/metrics');
    expect(metrics.status).toBe(200);
    const sample = (series: string) =>
      Number(
        metrics.body
          .split('\n')
          .find((line) => line.startsWith(`${series} `))
          ?.slice(series.length + 1),
      );
    // Five tickets (the replay issued none), one admin close, one draw, and the daily lotteries.
    expect(sample('fairdraw_ballots_issued_total')).toBe(5);
    expect(sample('fairdraw_lotteries_closed_total{cause="admin"}')).toBe(1);
    expect(sample('fairdraw_lotteries_drawn_total')).toBe(1);
    expect(sample('fairdraw_lotteries_created_total')).toBeGreaterThanOrEqual(2);
    expect(sample('fairdraw_db_pool_connections{state="idle"}')).toBeGreaterThanOrEqual(1);
    expect(sample('fairdraw_db_pool_waiting')).toBe(0);
    expect(sample('process_resident_memory_bytes')).toBeGreaterThan(10_000_000);
    expect(sample('fairdraw_http_requests_total{method="POST",route="/lotteries/:id/ballots",status="201"}')).toBe(3);
  });

  it('stops on SIGTERM with exit code 0 and leaves no PostgreSQL behind', async () => {
    const pid = await postmasterPid();
    expect(isAlive(pid)).toBe(true);
    child?.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(isAlive(pid)).toBe(false);
    await expect(readFile(join(dataDir, 'postgres', 'postmaster.pid'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
