import { createHash, createHmac } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { expectProblem, type Harness, harness } from './test-support/harness.js';

let h: Harness;
let admin: string;
beforeEach(async () => {
  h = await harness();
  admin = (await h.admin()).token;
});
afterEach(() => h.close());

const UNKNOWN = '0190f5e2-0000-7000-8000-00000000dead';
const get = (url: string) => h.request({ method: 'GET', url });
const closeAndDraw = async (id: string) => {
  await h.request({ method: 'POST', url: `/lotteries/${id}/close`, token: admin });
  return h.request({ method: 'POST', url: `/lotteries/${id}/draw`, token: admin });
};

/** fairdraw-v1 written again from API.md, so the test does not trust the service's own code. */
function recompute(seedHex: string, lotteryId: string, entries: string, units: number): number[] {
  const seed = Buffer.from(seedHex, 'hex');
  const digest = createHash('sha256').update(entries).digest('hex');
  const randomness = createHmac('sha256', seed).update(`fairdraw-v1|${lotteryId}|${digest}`).digest();
  let stream = Buffer.alloc(0);
  let block = 0;
  const next = () => {
    if (stream.length < 8) {
      const counter = Buffer.alloc(4);
      counter.writeUInt32BE(block++);
      stream = Buffer.concat([stream, createHmac('sha256', randomness).update(counter).digest()]);
    }
    const x = stream.readBigUInt64BE(0);
    stream = stream.subarray(8);
    return x;
  };
  const uniform = (m: number) => {
    const M = BigInt(m);
    for (;;) {
      const x = next();
      if (x < 2n ** 64n - (2n ** 64n % M)) return Number(x % M);
    }
  };
  const n = entries.split('\n').filter(Boolean).length;
  const p = Array.from({ length: n }, (_, i) => i);
  const k = Math.min(n, units);
  for (let j = 0; j < k; j++) {
    const r = j + uniform(n - j);
    [p[j], p[r]] = [p[r] as number, p[j] as number];
  }
  return p.slice(0, k);
}

describe('draws', () => {
  it('before the draw: status, commitment, no seed, no winners; after: a record anyone can recompute', async () => {
    const lottery = await h.lottery({
      prizes: [
        { name: 'Bike', amount: 1 },
        { name: 'Mug', amount: 2 },
      ],
    });
    const before = await get(`/lotteries/${lottery.id}/winners`);
    expect(before.statusCode).toBe(200);
    expect(before.json()).toEqual({
      lottery_id: lottery.id,
      status: 'open',
      drawn_at: null,
      algorithm: 'fairdraw-v1',
      commitment: lottery.commitment,
      entries_digest: null,
      n: null,
      winners: [],
    });

    const players = [await h.participant('ann'), await h.participant('ben')];
    for (const [i, p] of players.entries()) {
      await h.request({ method: 'POST', url: `/lotteries/${lottery.id}/ballots`, token: p.token, payload: { count: 3 + i } });
    }
    const drawn = await closeAndDraw(lottery.id);
    expect(drawn.statusCode).toBe(201);
    const record = drawn.json();
    expect((await get(`/lotteries/${lottery.id}/winners`)).json()).toEqual(record);
    expect((await get(`/lotteries/${lottery.id}/draw`)).json()).toEqual(record);

    const entries = (await get(`/lotteries/${lottery.id}/entries`)).body;
    expect(record).toMatchObject({ status: 'drawn', drawn_at: '2030-01-10T12:00:00.000Z', n: 7 });
    expect(createHash('sha256').update(Buffer.from(record.seed, 'hex')).digest('hex')).toBe(lottery.commitment);
    expect(createHash('sha256').update(entries).digest('hex')).toBe(record.entries_digest);

    const lines = entries.trimEnd().split('\n');
    const expected = recompute(record.seed, lottery.id, entries, 3).map((index, j) => {
      const [ticket, ballotId] = (lines[index] ?? '').split(':');
      return { rank: j + 1, prize: j === 0 ? 'Bike' : 'Mug', ticket_number: Number(ticket), ballot_id: ballotId };
    });
    expect(record.winners.map(({ username: _, ...w }: { username: string }) => w)).toEqual(expected);
    expect(record.winners.every((w: { username: string }) => ['ann', 'ben'].includes(w.username))).toBe(true);
  });

  it('GET by id and by date: 404 LOTTERY_NOT_FOUND for unknown ones, 400 for a malformed date', async () => {
    const lottery = await h.lottery({ closes_on: '2030-01-11' });
    expect((await get('/lotteries/by-date/2030-01-11/winners')).json()).toMatchObject({ lottery_id: lottery.id, status: 'open' });
    expectProblem(await get('/lotteries/by-date/2030-01-12/winners'), 404, 'LOTTERY_NOT_FOUND');
    expectProblem(await get('/lotteries/by-date/tomorrow/winners'), 400, 'VALIDATION_FAILED');
    expectProblem(await get(`/lotteries/${UNKNOWN}/winners`), 404, 'LOTTERY_NOT_FOUND');
    expectProblem(await get(`/lotteries/${UNKNOWN}/draw`), 404, 'LOTTERY_NOT_FOUND');
  });

  it('a closed lottery shows its frozen entries digest before it is drawn', async () => {
    const lottery = await h.lottery({ entry: { guests: true } });
    await h.request({ method: 'POST', url: `/lotteries/${lottery.id}/ballots` });
    await h.request({ method: 'POST', url: `/lotteries/${lottery.id}/close`, token: admin });
    const view = (await get(`/lotteries/${lottery.id}/draw`)).json();
    expect(view).toMatchObject({ status: 'closed', drawn_at: null, n: 1, winners: [] });
    expect(view.entries_digest).toMatch(/^[0-9a-f]{64}$/);
    expect(view).not.toHaveProperty('seed');
  });

  it('GET /winners: draws within the dates (inclusive), newest first, paginated', async () => {
    const drawOn = async (day: string) => {
      h.deps.clock.set(`${day}T10:00:00.000Z`);
      const lottery = await h.lottery();
      await closeAndDraw(lottery.id);
      return lottery.id;
    };
    const ids = [await drawOn('2030-01-10'), await drawOn('2030-01-11'), await drawOn('2030-01-12')];
    const all = (await get('/winners')).json();
    expect(all.items.map((d: { lottery_id: string }) => d.lottery_id)).toEqual([ids[2], ids[1], ids[0]]);
    expect(all.next_cursor).toBeNull();
    const window = (await get('/winners?from=2030-01-11&to=2030-01-11')).json();
    expect(window.items.map((d: { lottery_id: string }) => d.lottery_id)).toEqual([ids[1]]);
    const page = (await get('/winners?limit=2&from=2030-01-10')).json();
    expect(page.items).toHaveLength(2);
    const rest = (await get(`/winners?limit=2&from=2030-01-10&cursor=${page.next_cursor}`)).json();
    expect(rest).toEqual({ items: [expect.objectContaining({ lottery_id: ids[0] })], next_cursor: null });
    expectProblem(await get('/winners?from=2030-01-12&to=2030-01-11'), 400, 'VALIDATION_FAILED');
    expectProblem(await get('/winners?from=12/01/2030'), 400, 'VALIDATION_FAILED');
  });
});

describe('GET /lotteries/{id}/entries', () => {
  it('409 LOTTERY_NOT_CLOSED while open; then text/plain lines "ticket:ballot_id", ascending', async () => {
    const lottery = await h.lottery({ ticket_limit: 50 });
    expectProblem(await get(`/lotteries/${lottery.id}/entries`), 409, 'LOTTERY_NOT_CLOSED');
    const { token } = await h.participant();
    const ballots = (await h.request({ method: 'POST', url: `/lotteries/${lottery.id}/ballots`, token, payload: { count: 5 } })).json()
      .ballots;
    await h.request({ method: 'POST', url: `/lotteries/${lottery.id}/close`, token: admin });
    const res = await get(`/lotteries/${lottery.id}/entries`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
    const expected = [...ballots]
      .sort((a, b) => a.ticket_number - b.ticket_number)
      .map((b) => `${b.ticket_number}:${b.id}\n`)
      .join('');
    expect(res.body).toBe(expected);
  });

  it('an empty closed lottery has an empty entries text; an unknown one is 404', async () => {
    const lottery = await h.lottery();
    await h.request({ method: 'POST', url: `/lotteries/${lottery.id}/close`, token: admin });
    const res = await get(`/lotteries/${lottery.id}/entries`);
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe('');
    expectProblem(await get(`/lotteries/${UNKNOWN}/entries`), 404, 'LOTTERY_NOT_FOUND');
  });
});
