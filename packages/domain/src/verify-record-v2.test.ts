import { describe, expect, it } from 'vitest';
import { beaconRandomnessOf, QUICKNET } from './beacon-chain.js';
import { buildFairdrawV2Vectors, publicV2RecordOf, QUICKNET_ROUNDS } from './test-vectors-v2.js';
import { type MismatchKind, verifyRecord } from './verify-record.js';

// A pairing takes ~20 ms on a quiet machine and far longer on a busy shared one.
const BLS_TIMEOUT = { timeout: 120_000 };

const vectors = buildFairdrawV2Vectors();
const good = publicV2RecordOf(vectors.cases.find((c) => c.name === 'gaps') ?? (undefined as never));
const kinds = (lottery: unknown, draw: unknown, text = good.entriesText, options = {}): MismatchKind[] => [
  ...new Set(verifyRecord(lottery, draw, text, options).map((m) => m.kind)),
];
const flipHex = (hex: string, at = 0) => `${hex.slice(0, at)}${hex[at] === '0' ? '1' : '0'}${hex.slice(at + 1)}`;

describe('verifyRecord on fairdraw-v2 records', BLS_TIMEOUT, () => {
  it('finds nothing wrong with any vector, checked against the built-in quicknet key', () => {
    for (const c of vectors.cases) {
      const { lottery, draw, entriesText } = publicV2RecordOf(c);
      expect(verifyRecord(lottery, draw, entriesText), c.name).toEqual([]);
    }
  });

  it('flags a signature with a flipped bit (BEACON_SIGNATURE), even when its randomness is made to match', () => {
    const signature = flipHex(good.draw.beacon.signature, 20);
    const beacon = { ...good.draw.beacon, signature, randomness: beaconRandomnessOf(signature) };
    expect(kinds(good.lottery, { ...good.draw, beacon })).toEqual(['BEACON_SIGNATURE', 'WINNER']);
  });

  it('flags another real round swapped in (BEACON_ROUND), and a randomness that is not sha256(signature)', () => {
    const other = QUICKNET_ROUNDS.find((b) => b.round === 30662990) ?? (undefined as never);
    const swapped = { ...good.draw.beacon, round: other.round, signature: other.signature, randomness: other.randomness };
    expect(kinds(good.lottery, { ...good.draw, beacon: swapped })).toContain('BEACON_ROUND');
    const randomness = flipHex(good.draw.beacon.randomness, 5);
    expect(kinds(good.lottery, { ...good.draw, beacon: { ...good.draw.beacon, randomness } })).toEqual(['BEACON_RANDOMNESS']);
  });

  it('flags a round that does not follow from the closing instant', () => {
    const closesAt = new Date(Date.parse(good.lottery.closes_at) + 3_000).toISOString();
    expect(kinds({ ...good.lottery, closes_at: closesAt }, good.draw)).toEqual(['BEACON_ROUND']);
    const margin = { ...good.lottery.beacon, margin_s: 13 };
    expect(kinds({ ...good.lottery, beacon: margin }, good.draw)).toEqual(['BEACON_ROUND']);
  });

  it("flags an unknown chain or a key that is not the chain info's (BEACON_CHAIN)", () => {
    const key = flipHex(good.lottery.beacon.public_key, 40);
    expect(kinds({ ...good.lottery, beacon: { ...good.lottery.beacon, public_key: key } }, good.draw)).toContain('BEACON_CHAIN');
    const chain = flipHex(good.lottery.beacon.chain_hash);
    expect(kinds(good.lottery, { ...good.draw, beacon: { ...good.draw.beacon, chain_hash: chain } })).toEqual(['BEACON_CHAIN']);
    // A lottery on a chain the verifier was told about verifies; the key still comes from that info.
    const renamed = { ...good.lottery, beacon: { ...good.lottery.beacon, chain_hash: chain } };
    const draw = { ...good.draw, beacon: { ...good.draw.beacon, chain_hash: chain } };
    expect(kinds(renamed, draw)).toContain('BEACON_CHAIN');
    expect(kinds(renamed, draw, good.entriesText, { chains: new Map([[chain, { ...QUICKNET, chainHash: chain }]]) })).toEqual(['WINNER']);
  });

  it('keeps v1 checks: the seed must open the commitment and the winners follow', () => {
    const seed = flipHex(good.draw.seed, 3);
    expect(kinds(good.lottery, { ...good.draw, seed })).toContain('SEED');
    expect(kinds({ ...good.lottery, algorithm: 'fairdraw-v1' }, good.draw)).toEqual(['ALGORITHM']);
  });

  it('waits for the draw: a closed v2 lottery shows its seed but no signature yet', () => {
    const draw = { ...good.draw, status: 'closed', winners: [], beacon: { ...good.draw.beacon, signature: null, randomness: null } };
    expect(kinds(good.lottery, draw)).toEqual(['NOT_DRAWN']);
  });
});
