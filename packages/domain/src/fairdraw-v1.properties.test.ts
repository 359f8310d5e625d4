import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { commitmentOf, drawFairdrawV1, EntriesDigest, entryLine, randomnessOf } from './fairdraw-v1.js';
import { totalPrizeUnits } from './prizes.js';

const seedArb = fc.uint8Array({ minLength: 32, maxLength: 32 });
const digestArb = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => Buffer.from(b).toString('hex'));
const prizesArb = fc.array(fc.record({ name: fc.string({ minLength: 1, maxLength: 8 }), amount: fc.integer({ min: 1, max: 50 }) }), {
  minLength: 1,
  maxLength: 5,
});
const LOTTERY = '0190a5c4-7d2e-7b3a-9c41-2f6e8d1a3b5c';
const seedOf = (label: string) => createHash('sha256').update(label).digest();

describe('fairdraw-v1 properties', () => {
  it('always picks min(n, prize units) distinct winners within 0..n-1, even for huge n', () => {
    fc.assert(
      fc.property(seedArb, digestArb, fc.oneof(fc.nat(200), fc.nat(2_000_000_000)), prizesArb, (seed, entriesDigest, n, prizes) => {
        const { winners } = drawFairdrawV1({ seed, lotteryId: LOTTERY, entriesDigest, n, prizes });
        const picked = winners.map((w) => w.entryIndex);
        expect(picked).toHaveLength(Math.min(n, totalPrizeUnits(prizes)));
        expect(new Set(picked).size).toBe(picked.length);
        for (const i of picked) expect(Number.isInteger(i) && i >= 0 && i < n).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('hands prizes out in rank order, each prize to exactly its amount of winners', () => {
    fc.assert(
      fc.property(seedArb, digestArb, fc.nat(300), prizesArb, (seed, entriesDigest, n, prizes) => {
        const { winners } = drawFairdrawV1({ seed, lotteryId: LOTTERY, entriesDigest, n, prizes });
        expect(winners.map((w) => w.rank)).toEqual(winners.map((_, j) => j + 1));
        let j = 0;
        for (const prize of prizes) {
          const share = winners.slice(j, j + prize.amount);
          expect(share.every((w) => w.prize === prize.name)).toBe(true);
          expect(share).toHaveLength(Math.max(0, Math.min(prize.amount, n - j)));
          j += prize.amount;
        }
      }),
    );
  });

  it('reaches every entry index, and every order of four entries, from some seed', () => {
    for (const n of [1, 2, 3, 7, 16]) {
      const seen = new Set<number>();
      for (let s = 0; s < 2000 && seen.size < n; s++) {
        const outcome = drawFairdrawV1({
          seed: seedOf(`reach|${n}|${s}`),
          lotteryId: LOTTERY,
          entriesDigest: '0'.repeat(64),
          n,
          prizes: [{ name: 'W', amount: 1 }],
        });
        seen.add(outcome.winners[0]?.entryIndex ?? -1);
      }
      expect([...seen].sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i));
    }
    // 24 orders, 2400 fixed seeds: each order should come up about 100 times. The seeds are fixed,
    // so this is a deterministic sanity bound on bias, not a flaky statistical test.
    const orders = new Map<string, number>();
    for (let s = 0; s < 2400; s++) {
      const { winners } = drawFairdrawV1({
        seed: seedOf(`order|${s}`),
        lotteryId: LOTTERY,
        entriesDigest: '1'.repeat(64),
        n: 4,
        prizes: [{ name: 'W', amount: 4 }],
      });
      const key = winners.map((w) => w.entryIndex).join('');
      orders.set(key, (orders.get(key) ?? 0) + 1);
    }
    expect(orders.size).toBe(24);
    for (const times of orders.values()) expect(times).toBeGreaterThan(50);
    for (const times of orders.values()) expect(times).toBeLessThan(150);
  });

  it('changes the digest, hence the randomness, when any entry line changes', () => {
    const entry = fc.record({ ticket: fc.integer({ min: 1, max: 1000 }), ballot: fc.uuid({ version: 7 }) });
    fc.assert(
      fc.property(
        seedArb,
        fc.uniqueArray(entry, { minLength: 1, maxLength: 20, selector: (e) => e.ticket }),
        fc.nat(),
        fc.uuid({ version: 7 }),
        fc.integer({ min: 1, max: 1000 }),
        (seed, raw, at, otherBallot, otherTicket) => {
          const entries = [...raw].sort((a, b) => a.ticket - b.ticket);
          const i = at % entries.length;
          const original = entries[i] as { ticket: number; ballot: string };
          const changed = entries.map((e, j) =>
            j !== i ? e : otherBallot !== e.ballot ? { ...e, ballot: otherBallot } : { ...e, ticket: otherTicket },
          );
          fc.pre(
            JSON.stringify(changed) !== JSON.stringify(entries) &&
              changed.every((e, j) => j === 0 || e.ticket > (changed[j - 1]?.ticket ?? 0)),
          );
          const digestOf = (list: typeof entries) => {
            const d = new EntriesDigest();
            for (const e of list) d.add(e.ticket, e.ballot);
            return d.finish().entriesDigest;
          };
          const [before, after] = [digestOf(entries), digestOf(changed)];
          expect(after, `line ${entryLine(original.ticket, original.ballot)}`).not.toBe(before);
          expect(randomnessOf(seed, LOTTERY, after).equals(randomnessOf(seed, LOTTERY, before))).toBe(false);
        },
      ),
    );
  });

  it('changes commitment and randomness when any bit of the seed changes', () => {
    fc.assert(
      fc.property(seedArb, digestArb, fc.nat(255), fc.nat(7), (seed, digest, byte, bit) => {
        const other = Uint8Array.from(seed);
        other[byte % 32] = (other[byte % 32] ?? 0) ^ (1 << bit);
        expect(commitmentOf(other)).not.toBe(commitmentOf(seed));
        expect(randomnessOf(other, LOTTERY, digest).equals(randomnessOf(seed, LOTTERY, digest))).toBe(false);
      }),
    );
  });

  it('refuses entries out of ascending ticket order', () => {
    const digest = new EntriesDigest();
    digest.add(2, LOTTERY);
    expect(() => digest.add(2, LOTTERY)).toThrow(RangeError);
    expect(() => digest.add(1, LOTTERY)).toThrow(RangeError);
  });
});
