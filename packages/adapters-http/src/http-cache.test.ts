import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { clientHasCurrent } from './plugins/http-cache.js';
import { expectProblem, type Harness, harness } from './test-support/harness.js';

let h: Harness;
let admin: string;
beforeEach(async () => {
  h = await harness();
  admin = (await h.admin()).token;
});
afterEach(() => h.close());

const IMMUTABLE = 'public, max-age=31536000, immutable';
const REVALIDATE = 'public, no-cache';
const UNKNOWN = '0190f5e2-0000-7000-8000-00000000dead';
const STRONG = /^"[0-9a-f]{64}"$/;

const get = (url: string, ifNoneMatch?: string, method: 'GET' | 'HEAD' = 'GET') =>
  h.request({ method, url, headers: ifNoneMatch === undefined ? {} : { 'if-none-match': ifNoneMatch } });
const play = async (lotteryId: string) => {
  const { token } = await h.participant();
  const res = await h.request({ method: 'POST', url: `/lotteries/${lotteryId}/ballots`, token, payload: {} });
  expect(res.statusCode, res.body).toBe(201);
};
const adminPost = (url: string) => h.request({ method: 'POST', url, token: admin });

/** A 200 with a strong ETag that is the SHA-256 of its body, and a 304 without a body for it. */
async function expectRevalidates(url: string, cacheControl: string): Promise<string> {
  const first = await get(url);
  expect(first.statusCode, first.body).toBe(200);
  expect(first.headers['cache-control'], url).toBe(cacheControl);
  const etag = String(first.headers.etag);
  expect(etag, url).toMatch(STRONG);
  expect(etag).toBe(`"${createHash('sha256').update(first.rawPayload).digest('hex')}"`);
  const again = await get(url, etag);
  expect(again.statusCode, url).toBe(304);
  expect(again.body).toBe('');
  expect(again.headers['content-length']).toBeUndefined();
  expect(again.headers['content-type']).toBeUndefined();
  expect(again.headers.etag).toBe(etag);
  expect(again.headers['cache-control']).toBe(cacheControl);
  return etag;
}

describe('conditional reads of an open lottery', () => {
  it('GET /lotteries/{id}: an ETag that changes with every ballot, revalidated each time, 200 once it moved', async () => {
    const lottery = await h.lottery();
    const url = `/lotteries/${lottery.id}`;
    const before = await expectRevalidates(url, REVALIDATE);
    await play(lottery.id);
    const after = await get(url, before);
    expect(after.statusCode).toBe(200);
    expect(after.json().tickets_issued).toBe(1);
    expect(after.headers.etag).not.toBe(before);
  });

  it('GET /lotteries?status=open and the draw record before the draw: ETag, no-cache, never immutable', async () => {
    const lottery = await h.lottery();
    await expectRevalidates('/lotteries?status=open', REVALIDATE);
    await expectRevalidates(`/lotteries/${lottery.id}/draw`, REVALIDATE);
    await adminPost(`/lotteries/${lottery.id}/close`);
    await expectRevalidates(`/lotteries/${lottery.id}/draw`, REVALIDATE);
  });
});

describe('conditional reads of a drawn lottery', () => {
  it('GET /lotteries/{id}/draw is immutable once drawn; a validator from before no longer matches', async () => {
    const lottery = await h.lottery();
    await play(lottery.id);
    await adminPost(`/lotteries/${lottery.id}/close`);
    const closed = String((await get(`/lotteries/${lottery.id}/draw`)).headers.etag);
    expect((await adminPost(`/lotteries/${lottery.id}/draw`)).statusCode).toBe(201);
    const url = `/lotteries/${lottery.id}/draw`;
    const drawn = await expectRevalidates(url, IMMUTABLE);
    expect(drawn).not.toBe(closed);
    const stale = await get(url, closed);
    expect(stale.statusCode).toBe(200);
    expect(stale.json().status).toBe('drawn');
    // A list, a weakened copy of the tag and * all match, by weak comparison (RFC 9110).
    expect((await get(url, `"other", W/${drawn}`)).statusCode).toBe(304);
    expect((await get(url, '*')).statusCode).toBe(304);
    expect((await get(url, `W/"${'0'.repeat(64)}"`)).statusCode).toBe(200);
    const head = await get(url, drawn, 'HEAD');
    expect(head.statusCode).toBe(304);
    // The lottery itself still revalidates: it is a view, not the published record.
    await expectRevalidates(`/lotteries/${lottery.id}`, REVALIDATE);
  });

  it('GET /lotteries/{id}/entries: the entries digest is the ETag, revalidated while closed, immutable once drawn', async () => {
    const lottery = await h.lottery();
    await play(lottery.id);
    await play(lottery.id);
    const url = `/lotteries/${lottery.id}/entries`;
    const open = await get(url);
    expectProblem(open, 409, 'LOTTERY_NOT_CLOSED');
    expect(open.headers.etag).toBeUndefined();
    expect(open.headers['cache-control']).toBeUndefined();

    await adminPost(`/lotteries/${lottery.id}/close`);
    const digest = (await get(`/lotteries/${lottery.id}/draw`)).json().entries_digest;
    expect(await expectRevalidates(url, REVALIDATE)).toBe(`"${digest}"`);
    await adminPost(`/lotteries/${lottery.id}/draw`);
    expect(await expectRevalidates(url, IMMUTABLE)).toBe(`"${digest}"`);
    const mismatch = await get(url, '"stale"');
    expect(mismatch.statusCode).toBe(200);
    expect(mismatch.body.split('\n').filter(Boolean)).toHaveLength(2);
  });
});

describe('errors', () => {
  it('carry neither an ETag nor caching, even where the route caches its 200s', async () => {
    for (const url of [`/lotteries/${UNKNOWN}`, `/lotteries/${UNKNOWN}/draw`, `/lotteries/${UNKNOWN}/entries`, '/lotteries?status=nope']) {
      const res = await get(url, '*');
      expect(res.statusCode, url).toBeGreaterThanOrEqual(400);
      expect(res.headers.etag, url).toBeUndefined();
      expect(res.headers['cache-control'], url).toBeUndefined();
    }
  });
});

describe('clientHasCurrent', () => {
  const tag = '"abc"';
  it('compares weakly, reads lists (commas inside a tag included) and *', () => {
    expect(clientHasCurrent(undefined, tag)).toBe(false);
    expect(clientHasCurrent('"abc"', tag)).toBe(true);
    expect(clientHasCurrent('W/"abc"', tag)).toBe(true);
    expect(clientHasCurrent(' "x,y" , W/"abc" ', tag)).toBe(true);
    expect(clientHasCurrent(['"x"', '"abc"'], tag)).toBe(true);
    expect(clientHasCurrent('*', tag)).toBe(true);
    expect(clientHasCurrent('"abcd", "ab"', tag)).toBe(false);
    expect(clientHasCurrent('abc', tag)).toBe(false);
    expect(clientHasCurrent('"a,abc"', tag)).toBe(false);
  });
});
