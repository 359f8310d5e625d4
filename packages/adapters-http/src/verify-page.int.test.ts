/**
 * The /verify page's own fairdraw-v1 (WebCrypto + BigInt) in a real headless Chromium: the page and
 * fixture records of the published test vectors come from a tiny server on 127.0.0.1, served the
 * way API.md describes, faithful or tampered.
 */

import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { beaconRandomnessOf } from '@fairdraw/domain';
import { buildFairdrawV1Vectors, buildFairdrawV2Vectors, publicRecordOf, publicV2RecordOf } from '@fairdraw/domain/testing';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, readVerdict, type Verdict } from './testing/chromium.js';
import { VERIFY_ASSETS, verifyAsset } from './verify-assets.js';
import { verifyPageHtml } from './verify-page.js';

const vectors = buildFairdrawV1Vectors();
const recordOf = (name: string) => publicRecordOf(vectors.cases.find((c) => c.name === name) ?? (undefined as never));

/** What the fixture server answers for the lottery under test; each test sets it. */
let served: { lottery: { id: string }; draw: object; entriesText: string } = { ...recordOf('gaps'), draw: recordOf('gaps').draw as object };
let server: Server;
let browser: Browser;
let origin = '';

beforeAll(async () => {
  server = createServer(async (req, res) => {
    // The page's BLS modules, from the same origin, as the service serves them.
    const asset = /^\/verify\/assets\/([a-z-]+)\/(.+)$/.exec(req.url ?? '');
    if (asset && req.url?.startsWith(VERIFY_ASSETS)) {
      const text = await verifyAsset(asset[1] ?? '', asset[2] ?? '');
      if (text === null) res.writeHead(404).end();
      else res.writeHead(200, { 'content-type': 'text/javascript' }).end(text);
      return;
    }
    const id = served.lottery.id;
    const body: Record<string, [string, string]> = {
      [`/verify/${id}`]: ['text/html; charset=utf-8', verifyPageHtml(id)],
      [`/lotteries/${id}`]: ['application/json', JSON.stringify(served.lottery)],
      [`/lotteries/${id}/draw`]: ['application/json', JSON.stringify(served.draw)],
      [`/lotteries/${id}/entries`]: ['text/plain; charset=utf-8', served.entriesText],
    };
    // As the API does: no entries while the lottery is open.
    if ((served.draw as { status?: string }).status === 'open') delete body[`/lotteries/${id}/entries`];
    const found = body[req.url ?? ''];
    if (found) res.writeHead(200, { 'content-type': found[0] }).end(found[1]);
    else res.writeHead(404).end();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  server?.close();
});

/** Serves the record and returns the page's verdict on it. */
function verdictFor(record: typeof served): Promise<Verdict> {
  served = record;
  return readVerdict(browser, `${origin}/verify/${record.lottery.id}`);
}

describe('the /verify page in Chromium', () => {
  it('says verified for a faithful record, showing the commitment check, digest and each winner', async () => {
    const good = recordOf('gaps');
    const { result, text, rows } = await verdictFor(good);
    expect(result).toBe('verified');
    expect(text).toContain('Verified');
    expect(text).toContain(`opens the commitment`);
    expect(text).toContain(good.draw.entries_digest ?? 'digest');
    expect(rows).toHaveLength(good.draw.winners.length);
    for (const [j, w] of good.draw.winners.entries()) expect(rows[j]).toContain(w.ballot_id);
  });

  it('agrees with the vectors at n = 0, with more prizes than entries, and at 100000 entries', async () => {
    for (const name of ['no-entries', 'k-exceeds-n', 'large']) expect((await verdictFor(recordOf(name))).result, name).toBe('verified');
  });

  it('flags a replaced winner', async () => {
    const good = recordOf('gaps');
    const [first, ...rest] = good.draw.winners;
    const draw = { ...good.draw, winners: [{ ...(first ?? (undefined as never)), ballot_id: rest[0]?.ballot_id ?? '' }, ...rest] };
    const { result, text } = await verdictFor({ ...good, draw });
    expect(result).toBe('mismatch');
    expect(text).toContain('Mismatch: winner 1');
  });

  it('flags a seed that does not open the commitment, and a tampered entries list', async () => {
    const good = recordOf('gaps');
    const seed = `${(good.draw.seed ?? '').slice(0, 63)}${good.draw.seed?.endsWith('0') ? '1' : '0'}`;
    const badSeed = await verdictFor({ ...good, draw: { ...good.draw, seed } });
    expect(badSeed.result).toBe('mismatch');
    expect(badSeed.text).toContain('does NOT open the commitment');
    const entriesText = good.entriesText.replace(/^1:/, '2:');
    const badEntries = await verdictFor({ ...good, entriesText });
    expect(badEntries.result).toBe('mismatch');
    expect(badEntries.text).toContain(`the record says ${good.draw.entries_digest}`);
  });

  it('waits for the draw before judging', async () => {
    const good = recordOf('gaps');
    const { seed: _, ...draw } = { ...good.draw, status: 'open', entries_digest: null, n: null, winners: [] };
    expect((await verdictFor({ ...good, draw })).result).toBe('not-drawn');
  });

  it('says a cancelled lottery will never be drawn', async () => {
    const good = recordOf('gaps');
    const { seed: _, ...draw } = { ...good.draw, status: 'cancelled', entries_digest: null, n: null, winners: [] };
    const { result, text } = await verdictFor({ ...good, draw });
    expect(result).toBe('not-drawn');
    expect(text).toContain('Cancelled');
  });
});

const v2 = (name: string) => publicV2RecordOf(buildFairdrawV2Vectors().cases.find((c) => c.name === name) ?? (undefined as never));
const flip = (hex: string, at: number) => `${hex.slice(0, at)}${hex[at] === '0' ? '1' : '0'}${hex.slice(at + 1)}`;

describe('the /verify page on fairdraw-v2 draws', () => {
  it('verifies real quicknet draws, BLS signature included, with modules served by the same origin', async () => {
    for (const name of ['gaps', 'no-entries', 'early-round']) {
      const { result, text } = await verdictFor(v2(name));
      expect(result, `${name}: ${text}`).toBe('verified');
      expect(text).toContain('verifies under the chain key');
    }
  });

  it('flags a tampered signature, a swapped round and a wrong beacon randomness', async () => {
    const good = v2('gaps');
    const signature = flip(good.draw.beacon.signature, 30);
    const forged = await verdictFor({
      ...good,
      draw: { ...good.draw, beacon: { ...good.draw.beacon, signature, randomness: beaconRandomnessOf(signature) } },
    });
    expect(forged.result).toBe('mismatch');
    expect(forged.text).toContain('BEACON_SIGNATURE');
    const later = await verdictFor({
      ...good,
      lottery: { ...good.lottery, ...{ closes_at: new Date(Date.parse(good.lottery.closes_at) + 5_000).toISOString() } },
    });
    expect(later.result).toBe('mismatch');
    expect(later.text).toContain('BEACON_ROUND');
    const randomness = flip(good.draw.beacon.randomness, 0);
    const wrong = await verdictFor({ ...good, draw: { ...good.draw, beacon: { ...good.draw.beacon, randomness } } });
    expect(wrong.text).toContain('BEACON_RANDOMNESS');
    const key = flip(good.lottery.beacon.public_key, 50);
    const otherKey = await verdictFor({
      ...good,
      lottery: { ...good.lottery, ...{ beacon: { ...good.lottery.beacon, public_key: key } } },
    });
    expect(otherKey.text).toContain('BEACON_CHAIN');
  });
});
