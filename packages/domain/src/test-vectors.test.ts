import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { commitmentOf, DrawStream, drawFairdrawV1 } from './fairdraw-v1.js';
import { entriesTextOf, fairdrawV1VectorsJson, type VectorFile } from './test-vectors.js';
import { verifyRecord } from './verify-record.js';

const committedText = readFileSync(new URL('../../../docs/fairdraw-v1-vectors.json', import.meta.url), 'utf8');
const committed = JSON.parse(committedText) as VectorFile;

describe('fairdraw-v1 test vectors', () => {
  it('regenerate to exactly the committed docs/fairdraw-v1-vectors.json', () => {
    // A difference means the draw changed: published draws would no longer verify. If that is truly
    // intended it is a new algorithm, not an edit of fairdraw-v1's vectors.
    expect(fairdrawV1VectorsJson()).toBe(committedText);
  });

  it('cover n = 0, n = 1, k = n, k > n and a large rule-generated n', () => {
    const shapes = committed.cases.map((c) => {
      const units = c.prizes.reduce((sum, p) => sum + p.amount, 0);
      return { n: c.expected.n, k: c.expected.winners.length, units, rule: 'entries_rule' in c };
    });
    expect(shapes.some((s) => s.n === 0)).toBe(true);
    expect(shapes.some((s) => s.n === 1 && s.k === 1)).toBe(true);
    expect(shapes.some((s) => s.n > 1 && s.k === s.n && s.units === s.n)).toBe(true);
    expect(shapes.some((s) => s.units > s.n && s.k === s.n && s.n > 1)).toBe(true);
    expect(shapes.some((s) => s.rule && s.n >= 100_000)).toBe(true);
    expect(committed.uniform_cases.some((u) => u.rejected_reads > 0)).toBe(true);
  });

  it('are met by the domain code, read straight from the committed file', () => {
    for (const c of committed.cases) {
      const seed = Buffer.from(c.seed, 'hex');
      const { expected } = c;
      const outcome = drawFairdrawV1({
        seed,
        lotteryId: c.lottery_id,
        entriesDigest: expected.entries_digest,
        n: expected.n,
        prizes: c.prizes,
      });
      expect(commitmentOf(seed), c.name).toBe(expected.commitment);
      expect(outcome.randomness, c.name).toBe(expected.randomness);
      expect(outcome.winners, c.name).toEqual(expected.winners.map((w) => ({ rank: w.rank, prize: w.prize, entryIndex: w.entry_index })));
    }
    for (const u of committed.uniform_cases) {
      const stream = new DrawStream(Buffer.from(u.randomness, 'hex'));
      expect(u.results.map(() => stream.uniform(u.m))).toEqual(u.results);
    }
  });

  it('verify as published records, winners resolved to their ticket and ballot', () => {
    for (const c of committed.cases) {
      const { expected } = c;
      const lottery = { id: c.lottery_id, commitment: expected.commitment, prizes: c.prizes };
      const draw = { lottery_id: c.lottery_id, status: 'drawn', algorithm: 'fairdraw-v1', ...expected, seed: c.seed };
      expect(verifyRecord(lottery, draw, entriesTextOf(c)), c.name).toEqual([]);
    }
  });
});
