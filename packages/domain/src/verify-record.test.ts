import { describe, expect, it } from 'vitest';
import { buildFairdrawV1Vectors, publicRecordOf } from './test-vectors.js';
import { type MismatchKind, startVerification, verifyRecord } from './verify-record.js';

const vectors = buildFairdrawV1Vectors();
const caseNamed = (name: string) => {
  const found = vectors.cases.find((c) => c.name === name);
  if (!found) throw new Error(`no vector ${name}`);
  return publicRecordOf(found);
};
const good = caseNamed('gaps');
const kinds = (lottery: unknown, draw: unknown, text: string): MismatchKind[] => [
  ...new Set(verifyRecord(lottery, draw, text).map((m) => m.kind)),
];
const flipHex = (hex: string, at = 0) => `${hex.slice(0, at)}${hex[at] === '0' ? '1' : '0'}${hex.slice(at + 1)}`;

describe('verifyRecord', () => {
  it('finds nothing wrong with a faithful record, for every vector', () => {
    for (const c of vectors.cases) {
      const { lottery, draw, entriesText } = publicRecordOf(c);
      expect(verifyRecord(lottery, draw, entriesText), c.name).toEqual([]);
    }
  });

  it('reads the entries in chunks of any size, split anywhere', () => {
    const { lottery, draw, entriesText } = caseNamed('large');
    const verification = startVerification(lottery, draw);
    for (let i = 0; i < entriesText.length; i += 997) verification.push(entriesText.slice(i, i + 997));
    expect(verification.finish()).toEqual([]);
  });

  it('needs no randomness in the record, but checks it when present', () => {
    const { randomness: _, ...withoutRandomness } = good.draw;
    expect(verifyRecord(good.lottery, withoutRandomness, good.entriesText)).toEqual([]);
    expect(kinds(good.lottery, { ...good.draw, randomness: flipHex(good.draw.randomness ?? '') }, good.entriesText)).toEqual([
      'RANDOMNESS',
    ]);
  });

  it('detects a changed entry line by its digest', () => {
    const lines = good.entriesText.split('\n');
    lines[3] = flipHex(lines[3] ?? '', 10);
    const result = verifyRecord(good.lottery, good.draw, lines.join('\n'));
    expect(result.map((m) => m.kind)).toContain('ENTRIES_DIGEST');
  });

  it('detects a dropped or added entry by the count as well as the digest', () => {
    const dropped = good.entriesText.split('\n').slice(1).join('\n');
    expect(kinds(good.lottery, good.draw, dropped)).toEqual(expect.arrayContaining(['ENTRIES_DIGEST', 'ENTRY_COUNT']));
    const added = `${good.entriesText}99999:0190a5c4-7d2e-7b3a-9c41-2f6e8d1a3b5c\n`;
    expect(kinds(good.lottery, good.draw, added)).toEqual(['ENTRIES_DIGEST', 'ENTRY_COUNT']);
  });

  it('names malformed or unordered entries text', () => {
    const swapped = good.entriesText.split('\n');
    [swapped[0], swapped[1]] = [swapped[1] ?? '', swapped[0] ?? ''];
    const result = verifyRecord(good.lottery, good.draw, swapped.join('\n'));
    expect(result).toContainEqual({ kind: 'ENTRIES_FORMAT', message: expect.stringContaining('does not come after') });
    expect(kinds(good.lottery, good.draw, good.entriesText.toUpperCase())).toContain('ENTRIES_FORMAT');
    expect(kinds(good.lottery, good.draw, good.entriesText.slice(0, -1))).toEqual(['ENTRIES_FORMAT', 'ENTRIES_DIGEST']);
  });

  it('detects a seed that does not open the commitment', () => {
    const seed = flipHex(good.draw.seed ?? '', 5);
    const result = verifyRecord(good.lottery, { ...good.draw, seed }, good.entriesText);
    expect(result[0]).toEqual({ kind: 'SEED', message: expect.stringContaining('does not open the published commitment') });
    expect(kinds(good.lottery, { ...good.draw, seed: 'abc' }, good.entriesText)).toEqual(['SEED']);
  });

  it('detects a commitment swapped in the lottery or the draw', () => {
    const commitment = flipHex(good.lottery.commitment);
    expect(kinds({ ...good.lottery, commitment }, good.draw, good.entriesText)).toEqual(['COMMITMENT', 'SEED']);
    expect(kinds(good.lottery, { ...good.draw, commitment }, good.entriesText)).toEqual(['COMMITMENT']);
  });

  it('detects a winner replaced, reordered, dropped or added', () => {
    const winners = good.draw.winners;
    const [first, second] = [winners[0], winners[1]];
    if (!first || !second) throw new Error('the gaps vector has several winners');
    const replaced = [{ ...first, ticket_number: 2, ballot_id: good.entriesText.split('\n')[1]?.split(':')[1] ?? '' }, ...winners.slice(1)];
    expect(kinds(good.lottery, { ...good.draw, winners: replaced }, good.entriesText)).toEqual(['WINNER']);
    const reordered = [{ ...second, rank: 1, prize: first.prize }, { ...first, rank: 2, prize: second.prize }, ...winners.slice(2)];
    expect(kinds(good.lottery, { ...good.draw, winners: reordered }, good.entriesText)).toEqual(['WINNER']);
    expect(kinds(good.lottery, { ...good.draw, winners: winners.slice(1) }, good.entriesText)).toContain('WINNER_COUNT');
    expect(kinds(good.lottery, { ...good.draw, winners: [...winners, first] }, good.entriesText)).toEqual(['WINNER_COUNT']);
  });

  it('detects a prize handed out of rank order, or changed in the lottery', () => {
    const winners = good.draw.winners.map((w, j) => (j === 0 ? { ...w, prize: 'Silver' } : w));
    const result = verifyRecord(good.lottery, { ...good.draw, winners }, good.entriesText);
    expect(result).toEqual([{ kind: 'PRIZE', message: 'rank 1 wins Gold; the record says Silver' }]);
    const prizes = [{ name: 'Gold', amount: 2 }, ...good.lottery.prizes.slice(1)];
    expect(kinds({ ...good.lottery, prizes }, good.draw, good.entriesText)).toContain('PRIZE');
  });

  it('detects a claimed digest or n that the entries do not have', () => {
    const entries_digest = flipHex(good.draw.entries_digest ?? '');
    expect(kinds(good.lottery, { ...good.draw, entries_digest }, good.entriesText)).toContain('ENTRIES_DIGEST');
    expect(kinds(good.lottery, { ...good.draw, n: (good.draw.n ?? 0) + 1 }, good.entriesText)).toContain('ENTRY_COUNT');
  });

  it('refuses records it cannot check, saying why', () => {
    expect(verifyRecord(good.lottery, { ...good.draw, n: 'many' }, good.entriesText)).toEqual([
      { kind: 'RECORD', message: 'draw.n must be a whole number' },
    ]);
    expect(kinds(null, good.draw, '')).toEqual(['RECORD']);
    expect(kinds(good.lottery, { ...good.draw, algorithm: 'fairdraw-v2' }, '')).toEqual(['ALGORITHM']);
    expect(kinds(good.lottery, { ...good.draw, status: 'closed', seed: null }, '')).toEqual(['NOT_DRAWN']);
    const { seed: _, ...undrawn } = { ...good.draw, status: 'closed', winners: [] };
    expect(verifyRecord(good.lottery, undrawn, '')).toEqual([
      { kind: 'NOT_DRAWN', message: 'the lottery is closed: there is no seed to check yet' },
    ]);
    expect(kinds(good.lottery, { ...good.draw, lottery_id: good.draw.commitment }, good.entriesText)).toEqual(['LOTTERY_ID']);
  });
});
