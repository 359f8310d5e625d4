/**
 * The verifier against arbitrary draws, not just the published vectors: a faithful record always
 * verifies, and changing any entry line or the seed changes the outcome record and is caught.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ALGORITHM, commitmentOf, drawFairdrawV1, EntriesDigest, entryLine, toHex } from './fairdraw-v1.js';
import type { Prize } from './prizes.js';
import type { PublicDraw } from './public-record.js';
import { verifyRecord } from './verify-record.js';

interface Entry {
  readonly ticket: number;
  readonly ballot: string;
}

/** What an honest server publishes for these inputs: the lottery, the draw record and the entries text. */
function publish(seed: Uint8Array, lotteryId: string, entries: readonly Entry[], prizes: readonly Prize[]) {
  const digest = new EntriesDigest();
  for (const e of entries) digest.add(e.ticket, e.ballot);
  const { entriesDigest, n } = digest.finish();
  const outcome = drawFairdrawV1({ seed, lotteryId, entriesDigest, n, prizes });
  const commitment = commitmentOf(seed);
  const draw: PublicDraw = {
    lottery_id: lotteryId,
    status: 'drawn',
    algorithm: ALGORITHM,
    commitment,
    seed: toHex(seed),
    entries_digest: entriesDigest,
    n,
    randomness: outcome.randomness,
    winners: outcome.winners.map(({ rank, prize, entryIndex }) => {
      const e = entries[entryIndex] ?? { ticket: 0, ballot: '' };
      return { rank, prize, ticket_number: e.ticket, ballot_id: e.ballot };
    }),
  };
  return { lottery: { id: lotteryId, commitment, prizes }, draw, entriesText: entries.map((e) => entryLine(e.ticket, e.ballot)).join('') };
}

const seedArb = fc.uint8Array({ minLength: 32, maxLength: 32 });
const prizesArb = fc.array(fc.record({ name: fc.string({ minLength: 1, maxLength: 6 }), amount: fc.integer({ min: 1, max: 4 }) }), {
  minLength: 1,
  maxLength: 3,
});
/** Canonical entries: distinct tickets in ascending order, lower-case ballot ids. */
const entriesArb = fc
  .uniqueArray(fc.record({ ticket: fc.integer({ min: 1, max: 500 }), ballot: fc.uuid({ version: 7 }) }), {
    minLength: 1,
    maxLength: 30,
    selector: (e) => e.ticket,
  })
  .map((list) => [...list].sort((a, b) => a.ticket - b.ticket));
/** One line changed: another ballot id, or another ticket number that keeps the order. */
const changeArb = fc.oneof(fc.record({ ballot: fc.uuid({ version: 7 }) }), fc.record({ ticket: fc.integer({ min: 1, max: 500 }) }));
const kinds = (published: ReturnType<typeof publish>, entriesText = published.entriesText) =>
  verifyRecord(published.lottery, published.draw, entriesText).map((m) => m.kind);

describe('verifyRecord over arbitrary draws', () => {
  it('finds nothing wrong with any faithful record', () => {
    fc.assert(
      fc.property(seedArb, fc.uuid({ version: 7 }), entriesArb, prizesArb, (seed, id, entries, prizes) => {
        expect(kinds(publish(seed, id, entries, prizes))).toEqual([]);
      }),
    );
  });

  it('changing any entry line changes the outcome record, and the published record no longer verifies', () => {
    fc.assert(
      fc.property(seedArb, fc.uuid({ version: 7 }), entriesArb, prizesArb, fc.nat(), changeArb, (seed, id, entries, prizes, at, change) => {
        const i = at % entries.length;
        const changed = entries.map((e, j) => (j === i ? { ...e, ...change } : e));
        const [before, after] = [entries[i], changed[i]];
        const canonical = changed.every((e, j) => j === 0 || e.ticket > (changed[j - 1]?.ticket ?? 0));
        fc.pre(canonical && (before?.ticket !== after?.ticket || before?.ballot !== after?.ballot));
        const original = publish(seed, id, entries, prizes);
        const redrawn = publish(seed, id, changed, prizes);
        expect(redrawn.draw.entries_digest).not.toBe(original.draw.entries_digest);
        expect(redrawn.draw.randomness).not.toBe(original.draw.randomness);
        // The record published before the change, checked against the entries served after it.
        expect(kinds(original, redrawn.entriesText)).toContain('ENTRIES_DIGEST');
      }),
    );
  });

  it('changing the seed changes the outcome record, and the lottery commitment exposes it', () => {
    fc.assert(
      fc.property(seedArb, fc.uuid({ version: 7 }), entriesArb, prizesArb, fc.nat(255), (seed, id, entries, prizes, bit) => {
        const other = Uint8Array.from(seed);
        other[bit >> 3] = (other[bit >> 3] ?? 0) ^ (1 << (bit & 7));
        const original = publish(seed, id, entries, prizes);
        const rerolled = publish(other, id, entries, prizes);
        expect(rerolled.draw.randomness).not.toBe(original.draw.randomness);
        // A re-roll consistent in every other respect still fails to open the commitment made at creation.
        const caught = kinds({ ...rerolled, lottery: original.lottery });
        expect(caught).toContain('SEED');
        expect(caught).toContain('COMMITMENT');
      }),
    );
  });
});
