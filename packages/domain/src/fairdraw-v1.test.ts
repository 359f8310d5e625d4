/**
 * A second, deliberately naive fairdraw-v1 written from API.md alone: HMAC assembled by hand from
 * SHA-256, the byte stream as an array of numbers, u64 reads with BigInt, a full-array Fisher-Yates
 * and prizes expanded into one name per unit. The production code must agree with it everywhere,
 * and it must reproduce the committed vectors on its own.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { commitmentOf, DrawStream, drawFairdrawV1, EntriesDigest } from './fairdraw-v1.js';
import type { Prize } from './prizes.js';
import { entriesTextOf, type VectorFile } from './test-vectors.js';

const sha256 = (bytes: Uint8Array): Uint8Array => new Uint8Array(createHash('sha256').update(bytes).digest());
const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);
const hex = (bytes: Uint8Array): string => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

/** RFC 2104 with a 64-byte block; keys longer than a block are hashed first. */
function hmacSha256(key: Uint8Array, message: Uint8Array): Uint8Array {
  const k = new Uint8Array(64);
  k.set(key.length > 64 ? sha256(key) : key);
  const inner = sha256(Uint8Array.from([...k.map((b) => b ^ 0x36), ...message]));
  return sha256(Uint8Array.from([...k.map((b) => b ^ 0x5c), ...inner]));
}

class ReferenceStream {
  private bytes: number[] = [];
  private block = 0;
  rejections = 0;
  constructor(private readonly randomness: Uint8Array) {}

  readU64(): bigint {
    while (this.bytes.length < 8) {
      const i = this.block++;
      const counter = Uint8Array.from([(i >>> 24) & 255, (i >>> 16) & 255, (i >>> 8) & 255, i & 255]);
      this.bytes.push(...hmacSha256(this.randomness, counter));
    }
    return this.bytes.splice(0, 8).reduce((x, b) => x * 256n + BigInt(b), 0n);
  }

  uniform(m: number): number {
    const big = BigInt(m);
    const limit = 2n ** 64n - (2n ** 64n % big);
    for (;;) {
      const x = this.readU64();
      if (x < limit) return Number(x % big);
      this.rejections += 1;
    }
  }
}

function referenceDraw(seed: Uint8Array, lotteryId: string, entries: string, prizes: readonly Prize[]) {
  const entriesDigest = hex(sha256(utf8(entries)));
  const n = entries === '' ? 0 : entries.split('\n').length - 1;
  const randomness = hmacSha256(seed, utf8(`fairdraw-v1|${lotteryId}|${entriesDigest}`));
  const units = prizes.flatMap((p) => Array<string>(p.amount).fill(p.name));
  const k = Math.min(n, units.length);
  const p = Array.from({ length: n }, (_, i) => i);
  const stream = new ReferenceStream(randomness);
  for (let j = 0; j < k; j++) {
    const r = j + stream.uniform(n - j);
    [p[j], p[r]] = [p[r] as number, p[j] as number];
  }
  const winners = p.slice(0, k).map((entryIndex, j) => ({ rank: j + 1, prize: units[j] as string, entryIndex }));
  return { commitment: hex(sha256(seed)), entriesDigest, n, randomness: hex(randomness), winners };
}

function productionDraw(seed: Uint8Array, lotteryId: string, lines: readonly [number, string][], prizes: readonly Prize[]) {
  const digest = new EntriesDigest();
  for (const [ticket, ballot] of lines) digest.add(ticket, ballot);
  const { entriesDigest, n } = digest.finish();
  const outcome = drawFairdrawV1({ seed, lotteryId, entriesDigest, n, prizes });
  return { commitment: commitmentOf(seed), entriesDigest, n, ...outcome };
}

const seedArb = fc.uint8Array({ minLength: 32, maxLength: 32 });
const prizesArb = fc.array(fc.record({ name: fc.string({ minLength: 1, maxLength: 8 }), amount: fc.integer({ min: 1, max: 6 }) }), {
  minLength: 1,
  maxLength: 4,
});
/** Ascending ticket numbers with gaps, as a closed finite pool or an unlimited one leaves them. */
const linesArb = fc
  .uniqueArray(fc.integer({ min: 1, max: 10_000 }), { maxLength: 40 })
  .chain((tickets) =>
    fc.tuple(
      fc.constant(tickets.sort((a, b) => a - b)),
      fc.array(fc.uuid({ version: 7 }), { minLength: tickets.length, maxLength: tickets.length }),
    ),
  )
  .map(([tickets, ids]) => tickets.map((t, i): [number, string] => [t, ids[i] as string]));

describe('fairdraw-v1 against an independent reference', () => {
  it('agrees on commitment, digest, n, randomness and every winner', () => {
    fc.assert(
      fc.property(seedArb, fc.uuid({ version: 7 }), linesArb, prizesArb, (seed, lotteryId, lines, prizes) => {
        const text = lines.map(([t, b]) => `${t}:${b}\n`).join('');
        expect(productionDraw(seed, lotteryId, lines, prizes)).toEqual(referenceDraw(seed, lotteryId, text, prizes));
      }),
      { numRuns: 300 },
    );
  });

  it('digests a store’s text in chunks of whole lines exactly as line by line', () => {
    fc.assert(
      fc.property(linesArb, fc.array(fc.nat(), { maxLength: 6 }), (lines, cuts) => {
        const text = lines.map(([t, b]) => `${t}:${b}\n`).join('');
        const bounds = [...new Set(cuts.map((c) => (lines.length === 0 ? 0 : c % lines.length)))].sort((a, b) => a - b);
        const chunks = [0, ...bounds, lines.length].slice(1).map((end, i, ends) =>
          lines
            .slice(i === 0 ? 0 : ends[i - 1], end)
            .map(([t, b]) => `${t}:${b}\n`)
            .join(''),
        );
        const digest = new EntriesDigest();
        for (const chunk of chunks) digest.addLines(chunk);
        expect(digest.finish()).toEqual({ entriesDigest: hex(sha256(utf8(text))), n: lines.length });
      }),
      { numRuns: 200 },
    );
    expect(() => new EntriesDigest().addLines('1:0190aaaa-0000-7000-8000-000000000000')).toThrow(RangeError);
  });

  it('agrees on uniform(m), including the rejection of reads at or above 2^64 - (2^64 mod m)', () => {
    // 2^64 mod 3*2^51 = 2^52, so about one read in 4096 is rejected: 20000 draws meet several.
    const m = 3 * 2 ** 51;
    const randomness = sha256(utf8('rejection'));
    const ours = new DrawStream(randomness);
    const theirs = new ReferenceStream(randomness);
    for (let i = 0; i < 20_000; i++) expect(ours.uniform(m)).toBe(theirs.uniform(m));
    expect(theirs.rejections).toBeGreaterThan(0);
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.array(fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }), { maxLength: 30 }),
        (r, ms) => {
          const a = new DrawStream(r);
          const b = new ReferenceStream(r);
          for (const mm of ms) expect(a.uniform(mm)).toBe(b.uniform(mm));
        },
      ),
    );
  });

  it('reproduces every committed vector on its own', () => {
    const file = JSON.parse(readFileSync(new URL('../../../docs/fairdraw-v1-vectors.json', import.meta.url), 'utf8')) as VectorFile;
    expect(file.cases.length).toBeGreaterThanOrEqual(5);
    for (const c of file.cases) {
      const seed = Uint8Array.from(Buffer.from(c.seed, 'hex'));
      const got = referenceDraw(seed, c.lottery_id, entriesTextOf(c), c.prizes);
      expect(got.commitment, c.name).toBe(c.expected.commitment);
      expect(got.entriesDigest, c.name).toBe(c.expected.entries_digest);
      expect(got.n, c.name).toBe(c.expected.n);
      expect(got.randomness, c.name).toBe(c.expected.randomness);
      expect(
        got.winners.map((w) => ({ rank: w.rank, prize: w.prize, entry_index: w.entryIndex })),
        c.name,
      ).toEqual(c.expected.winners.map((w) => ({ rank: w.rank, prize: w.prize, entry_index: w.entry_index })));
    }
    for (const u of file.uniform_cases) {
      const stream = new ReferenceStream(Uint8Array.from(Buffer.from(u.randomness, 'hex')));
      expect(u.results.map(() => stream.uniform(u.m))).toEqual(u.results);
      expect(stream.rejections).toBe(u.rejected_reads);
    }
  });
});
