/**
 * End to end: a real server (the HTTP adapter over PostgreSQL, wired by the API's own runtime)
 * takes lotteries from creation to draw through HTTP alone. Then the built verify-draw CLI, run as
 * anyone would run it, and the /verify page in headless Chromium check the live draws, and catch
 * an entry or a winner changed behind the service's back in the database.
 */
import { execFile } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { launchChromium, readVerdict } from '@fairdraw/adapters-http/testing';
import type { TestDatabase } from '@fairdraw/adapters-postgres/testing';
import { ensureAdmin } from '@fairdraw/application';
import type { Runtime } from '@fairdraw/runtime';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApi, startTestApi, type TestApi } from '../testing/api-server.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const CLI = `${ROOT}apps/api/dist/cli/verify-draw.js`;
const PASSWORD = 'correct horse battery';
const EMPTY_SHA256 = createHash('sha256').update('').digest('hex');

interface Winner {
  rank: number;
  prize: string;
  ticket_number: number;
  ballot_id: string;
  username: string | null;
}
interface Draw {
  status: string;
  commitment: string;
  seed?: string;
  entries_digest: string;
  n: number;
  winners: Winner[];
}
interface Ballot {
  id: string;
  ticket_number: number;
}

let server: TestApi;
let database: TestDatabase;
let runtime: Runtime;
let browser: Awaited<ReturnType<typeof launchChromium>>;
let base = '';

beforeAll(async () => {
  // The CLI runs from dist, as `pnpm verify-draw` does: build it (and what it imports) first.
  buildApi();
  server = await startTestApi({ RATE_LIMIT_PER_MINUTE: '100000', AUTH_RATE_LIMIT_PER_MINUTE: '100000' });
  ({ base, database, runtime } = server);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** One HTTP call to the live server; asserts the status and returns the parsed body. */
async function call<T>(status: number, method: string, path: string, options: { token?: string; body?: unknown } = {}): Promise<T> {
  const headers: Record<string, string> = options.token ? { authorization: `Bearer ${options.token}` } : {};
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const body = options.body === undefined ? null : JSON.stringify(options.body);
  const response = await fetch(`${base}${path}`, { method, headers, body });
  const text = await response.text();
  expect(response.status, `${method} ${path}: ${text}`).toBe(status);
  return (text.startsWith('{') ? JSON.parse(text) : text) as T;
}

const register = async (username: string) =>
  (await call<{ access_token: string }>(201, 'POST', '/auth/register', { body: { username, password: PASSWORD } })).access_token;

const play = async (lotteryId: string, token: string | undefined, body: { count?: number; ticket_number?: number }) =>
  (await call<{ ballots: Ballot[] }>(201, 'POST', `/lotteries/${lotteryId}/ballots`, { body, ...(token ? { token } : {}) })).ballots;

/**
 * Creates a lottery, lets `players` take their ballots, closes it (unless its last ticket did) and
 * draws it: all over HTTP. Between close and draw the record already fixes the entries, not the seed.
 */
async function runLottery(
  admin: string,
  body: object,
  players: (id: string) => Promise<Ballot[]>,
): Promise<{ id: string; ballots: Ballot[]; draw: Draw }> {
  const { id } = await call<{ id: string }>(201, 'POST', '/lotteries', { token: admin, body });
  const ballots = await players(id);
  if ((await call<{ status: string }>(200, 'GET', `/lotteries/${id}`)).status === 'open') {
    expect((await call<{ status: string }>(200, 'POST', `/lotteries/${id}/close`, { token: admin })).status).toBe('closed');
  }
  const sealed = await call<Draw>(200, 'GET', `/lotteries/${id}/draw`);
  expect(sealed).toMatchObject({ status: 'closed', n: ballots.length, entries_digest: expect.stringMatching(/^[0-9a-f]{64}$/) });
  expect(sealed).not.toHaveProperty('seed');
  const draw = await call<Draw>(201, 'POST', `/lotteries/${id}/draw`, { token: admin });
  expect(draw).toMatchObject({ commitment: sealed.commitment, entries_digest: sealed.entries_digest, n: sealed.n });
  return { id, ballots, draw };
}

/** `node apps/api/dist/cli/verify-draw.js <base> <id>`, asynchronously: this process serves its requests. */
function runCli(lotteryId: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, base, lotteryId], (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
      resolve({ code, stdout, stderr });
    });
  });
}

const page = (lotteryId: string) => readVerdict(browser, `${base}/verify/${lotteryId}`);

/** Runs `check` with the database changed by `tamper`, then puts the row back as it was. */
async function tampered(tamper: string, restore: string, check: () => Promise<void>): Promise<void> {
  await sql.raw(tamper).execute(database.db);
  try {
    await check();
  } finally {
    await sql.raw(restore).execute(database.db);
  }
}

describe('verifying live draws', () => {
  let members: Awaited<ReturnType<typeof runLottery>>;
  let guests: Awaited<ReturnType<typeof runLottery>>;
  let soldOut: Awaited<ReturnType<typeof runLottery>>;
  let admin = '';

  beforeAll(async () => {
    await ensureAdmin(runtime.deps, { username: 'operator', password: PASSWORD });
    admin = (await call<{ access_token: string }>(200, 'POST', '/auth/login', { body: { username: 'operator', password: PASSWORD } }))
      .access_token;
    const players = await Promise.all(['alice', 'bob', 'carol', 'dave'].map(register));
    const medals = [
      { name: 'Gold', amount: 1 },
      { name: 'Silver', amount: 2 },
      { name: 'Bronze', amount: 2 },
    ];
    members = await runLottery(admin, { name: 'members-only', prizes: medals }, async (id) => {
      const counts = [3, 2, 4, 1];
      const issued = await Promise.all(players.map((token, i) => play(id, token, { count: counts[i] ?? 1 })));
      return issued.flat();
    });
    // A finite pool hands tickets out in an unpredictable order, so the entries have gaps.
    const guestBody = {
      name: 'open-to-guests',
      ticket_limit: 40,
      entry: { guests: true },
      prizes: [medals[0], { name: 'Silver', amount: 3 }],
    };
    guests = await runLottery(admin, guestBody, async (id) => {
      const chosen = await play(id, players[0], { ticket_number: 17 });
      const byGuests = await Promise.all([1, 3, 2, 2].map((count) => play(id, undefined, { count })));
      return [...chosen, ...byGuests.flat()];
    });
    // No close call: the last ticket closes this one.
    soldOut = await runLottery(admin, { name: 'sold-out', ticket_limit: 4, prizes: [{ name: 'Winner', amount: 2 }] }, async (id) =>
      (await Promise.all([play(id, players[1], { count: 3 }), play(id, players[2], {})])).flat(),
    );
  });

  it('draws them as the ballots and prizes say', () => {
    expect(members.draw.winners.map((w) => w.prize)).toEqual(['Gold', 'Silver', 'Silver', 'Bronze', 'Bronze']);
    expect(members.draw.n).toBe(10);
    expect(new Set(members.draw.winners.map((w) => w.username)).size).toBeGreaterThan(0);
    expect(members.draw.winners.every((w) => ['alice', 'bob', 'carol', 'dave'].includes(w.username ?? ''))).toBe(true);
    expect(guests.draw.n).toBe(9);
    expect(guests.draw.winners).toHaveLength(4);
    expect(guests.ballots.map((b) => b.ticket_number)).toContain(17);
    expect(soldOut.draw.winners).toHaveLength(2);
  });

  it('the CLI says VERIFIED for each, and exits 0', async () => {
    for (const { id } of [members, guests, soldOut]) expect(await runCli(id)).toEqual({ code: 0, stdout: 'VERIFIED\n', stderr: '' });
  });

  it('the page in Chromium says verified for each, listing every winner', async () => {
    for (const { id, draw } of [members, guests, soldOut]) {
      const { result, text, rows } = await page(id);
      expect(result, text).toBe('verified');
      expect(text).toContain('opens the commitment');
      expect(rows).toHaveLength(draw.winners.length);
      for (const [j, w] of draw.winners.entries()) expect(rows[j]).toContain(w.ballot_id);
    }
  });

  it('an entry changed in the database: the CLI names the entries digest, the page flags it', async () => {
    const winning = new Set(members.draw.winners.map((w) => w.ballot_id));
    const loser = members.ballots.find((b) => !winning.has(b.id)) ?? (undefined as never);
    const other = randomUUID();
    // Another ballot id in the same place: only the digest can tell.
    await tampered(
      `update ballots set id = '${other}' where id = '${loser.id}'`,
      `update ballots set id = '${loser.id}' where id = '${other}'`,
      async () => {
        const cli = await runCli(members.id);
        expect(cli.code, cli.stderr).toBe(1);
        expect(cli.stdout).toMatch(/^ENTRIES_DIGEST: sha256\(entries\) = [0-9a-f]{64}; the record says [0-9a-f]{64}\n$/);
        expect(cli.stdout).toContain(`the record says ${members.draw.entries_digest}`);
        const { result, text } = await page(members.id);
        expect(result).toBe('mismatch');
        expect(text).toContain(`the record says ${members.draw.entries_digest}`);
      },
    );
    // A ticket number moved: the digest again (and winners shifted along with the order).
    const last = Math.max(...members.ballots.map((b) => b.ticket_number));
    await tampered(
      `update ballots set ticket_number = ${last + 100} where id = '${loser.id}'`,
      `update ballots set ticket_number = ${loser.ticket_number} where id = '${loser.id}'`,
      async () => {
        const cli = await runCli(members.id);
        expect(cli.code).toBe(1);
        expect(cli.stdout).toContain('ENTRIES_DIGEST: ');
        expect(cli.stdout).not.toContain('VERIFIED');
      },
    );
    expect((await runCli(members.id)).stdout).toBe('VERIFIED\n');
  });

  it('a winner changed in the stored draw: the CLI names the winner, the page flags it', async () => {
    const winning = new Set(guests.draw.winners.map((w) => w.ballot_id));
    const loser = guests.ballots.find((b) => !winning.has(b.id)) ?? (undefined as never);
    const { winners } = await database.db
      .selectFrom('draws')
      .select('winners')
      .where('lottery_id', '=', guests.id)
      .executeTakeFirstOrThrow();
    const swapped = [{ ...winners[0], ticketNumber: loser.ticket_number, ballotId: loser.id }, ...winners.slice(1)];
    const set = (w: unknown) => `update draws set winners = '${JSON.stringify(w)}'::jsonb where lottery_id = '${guests.id}'`;
    await tampered(set(swapped), set(winners), async () => {
      const cli = await runCli(guests.id);
      expect(cli.code, cli.stderr).toBe(1);
      expect(cli.stdout).toMatch(/^WINNER: rank 1: the draw picks entry \d+ \(\d+:[0-9a-f-]{36}\); the record says /);
      expect(cli.stdout).toContain(`the record says ${loser.ticket_number}:${loser.id}\n`);
      expect(cli.stdout.trim().split('\n')).toHaveLength(1);
      const { result, text } = await page(guests.id);
      expect(result).toBe('mismatch');
      expect(text).toContain('Mismatch: winner 1');
    });
    expect((await runCli(guests.id)).stdout).toBe('VERIFIED\n');
  });

  it('a lottery nobody played is drawn with no winners, reveals its seed, and verifies', async () => {
    const empty = await runLottery(admin, { name: 'nobody-came' }, async () => []);
    expect(empty.draw).toMatchObject({ status: 'drawn', n: 0, entries_digest: EMPTY_SHA256, winners: [] });
    const seed = empty.draw.seed ?? '';
    expect(seed).toMatch(/^[0-9a-f]{64}$/);
    expect(createHash('sha256').update(Buffer.from(seed, 'hex')).digest('hex')).toBe(empty.draw.commitment);
    expect(await call<string>(200, 'GET', `/lotteries/${empty.id}/entries`)).toBe('');
    expect(await call<Draw>(200, 'GET', `/lotteries/${empty.id}/draw`)).toEqual(empty.draw);
    expect(await runCli(empty.id)).toEqual({ code: 0, stdout: 'VERIFIED\n', stderr: '' });
    expect((await page(empty.id)).result).toBe('verified');
  });
});
