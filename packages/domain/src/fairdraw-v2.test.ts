import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkBeacon, roundFor } from './beacon-chain.js';
import { commitmentOf, drawFairdrawV1 } from './fairdraw-v1.js';
import { drawFairdrawV2, randomnessOfV2 } from './fairdraw-v2.js';
import { totalPrizeUnits } from './prizes.js';
import { fairdrawV2VectorsJson, QUICKNET_ROUNDS, type V2VectorFile } from './test-vectors-v2.js';

// A pairing takes ~20 ms on a quiet machine and far longer on a busy shared one.
const BLS_TIMEOUT = { timeout: 120_000 };

const committedText = readFileSync(new URL('../../../docs/fairdraw-v2-vectors.json', import.meta.url), 'utf8');
const committed = JSON.parse(committedText) as V2VectorFile;
const chainOf = (file: V2VectorFile) => ({
  publicKey: file.chain_info.public_key,
  period: file.chain_info.period,
  genesisTime: file.chain_info.genesis_time,
});

describe('fairdraw-v2 test vectors', BLS_TIMEOUT, () => {
  it('regenerate to exactly the committed docs/fairdraw-v2-vectors.json', () => {
    expect(fairdrawV2VectorsJson()).toBe(committedText);
  });

  it('rest on beacons that verify under the real quicknet key, read straight from the file', () => {
    const chain = chainOf(committed);
    for (const beacon of committed.beacons) expect(checkBeacon(chain, beacon.round, beacon), `round ${beacon.round}`).toBe('ok');
    for (const c of committed.cases) {
      const beacon = { round: c.round, signature: c.signature, randomness: c.expected.beacon_randomness };
      expect(checkBeacon(chain, c.round, beacon), c.name).toBe('ok');
    }
  });

  it('follow the round rule', () => {
    const chain = chainOf(committed);
    for (const r of committed.round_cases) {
      expect(roundFor(chain, Date.parse(r.closing_instant), r.margin_s), r.description).toBe(r.round);
      expect(new Date((chain.genesisTime + (r.round - 1) * chain.period) * 1000).toISOString()).toBe(r.round_time);
    }
    for (const c of committed.cases) expect(roundFor(chain, Date.parse(c.closing_instant), c.margin_s), c.name).toBe(c.round);
  });

  it('are met by the domain code, the HMAC message exactly as API.md writes it', () => {
    for (const c of committed.cases) {
      const seed = Buffer.from(c.seed, 'hex');
      const { expected } = c;
      expect(commitmentOf(seed), c.name).toBe(expected.commitment);
      expect(expected.message).toBe(
        `fairdraw-v2|${c.lottery_id}|${expected.entries_digest}|${c.chain_hash}|${c.round}|${expected.beacon_randomness}`,
      );
      expect(createHmac('sha256', seed).update(expected.message).digest('hex'), c.name).toBe(expected.randomness);
      const outcome = drawFairdrawV2({
        seed,
        lotteryId: c.lottery_id,
        entriesDigest: expected.entries_digest,
        chainHash: c.chain_hash,
        round: c.round,
        beacon: { round: c.round, signature: c.signature, randomness: expected.beacon_randomness },
        n: expected.n,
        prizes: c.prizes,
      });
      expect(outcome.randomness, c.name).toBe(expected.randomness);
      expect(outcome.winners, c.name).toEqual(expected.winners.map((w) => ({ rank: w.rank, prize: w.prize, entryIndex: w.entry_index })));
    }
    expect(committed.cases.some((c) => c.expected.n === 0)).toBe(true);
    expect(committed.cases.some((c) => c.expected.n > 1 && c.expected.winners.length === c.expected.n)).toBe(true);
  });
});

const seedArb = fc.uint8Array({ minLength: 32, maxLength: 32 });
const hexArb = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => Buffer.from(b).toString('hex'));
const prizesArb = fc.array(fc.record({ name: fc.string({ minLength: 1, maxLength: 8 }), amount: fc.integer({ min: 1, max: 20 }) }), {
  minLength: 1,
  maxLength: 4,
});
const LOTTERY = '0190a5c4-7d2e-7b3a-9c41-2f6e8d1a3b5c';
const beaconArb = fc.constantFrom(...QUICKNET_ROUNDS);

describe('fairdraw-v2 properties', BLS_TIMEOUT, () => {
  it('picks min(n, prize units) distinct winners in 0..n-1, prizes in rank order', () => {
    fc.assert(
      fc.property(seedArb, hexArb, fc.nat(500), prizesArb, beaconArb, (seed, entriesDigest, n, prizes, beacon) => {
        const input = { seed, lotteryId: LOTTERY, entriesDigest, chainHash: hexArb.toString(), round: beacon.round, beacon, n, prizes };
        const { winners } = drawFairdrawV2(input);
        const picked = winners.map((w) => w.entryIndex);
        expect(picked).toHaveLength(Math.min(n, totalPrizeUnits(prizes)));
        expect(new Set(picked).size).toBe(picked.length);
        for (const i of picked) expect(i >= 0 && i < n).toBe(true);
        expect(winners.map((w) => w.rank)).toEqual(winners.map((_, j) => j + 1));
      }),
      { numRuns: 200 },
    );
  });

  it('depends on every input of step 4: seed, lottery, entries, chain, round and beacon', () => {
    fc.assert(
      fc.property(
        seedArb,
        hexArb,
        hexArb,
        hexArb,
        fc.integer({ min: 1, max: 2 ** 40 }),
        (seed, digest, chainHash, beaconRandomness, round) => {
          const base = { seed, lotteryId: LOTTERY, entriesDigest: digest, chainHash, round, beaconRandomness };
          const of = (input: typeof base) => randomnessOfV2(input).toString('hex');
          const original = of(base);
          const other = Buffer.from(seed);
          other[0] = (other[0] ?? 0) ^ 1;
          for (const changed of [
            { ...base, seed: other },
            { ...base, lotteryId: '0190a5c4-7d2e-7b3a-9c41-2f6e8d1a3b5d' },
            { ...base, entriesDigest: `${digest.slice(0, 63)}${digest.endsWith('0') ? '1' : '0'}` },
            { ...base, chainHash: `${chainHash.slice(0, 63)}${chainHash.endsWith('0') ? '1' : '0'}` },
            { ...base, round: round + 1 },
            { ...base, beaconRandomness: `${beaconRandomness.slice(0, 63)}${beaconRandomness.endsWith('0') ? '1' : '0'}` },
          ]) {
            expect(of(changed)).not.toBe(original);
          }
        },
      ),
      { numRuns: 100 },
    );
  });

  it('never equals the v1 draw of the same seed and entries (the algorithms are domain-separated)', () => {
    fc.assert(
      fc.property(seedArb, hexArb, beaconArb, (seed, entriesDigest, beacon) => {
        const v1 = drawFairdrawV1({ seed, lotteryId: LOTTERY, entriesDigest, n: 10, prizes: [{ name: 'W', amount: 1 }] });
        const v2 = drawFairdrawV2({
          seed,
          lotteryId: LOTTERY,
          entriesDigest,
          chainHash: '52db9ba70e0cc0f6eaf7803dd07447a1f5477735fd3f661792ba94600c84e971',
          round: beacon.round,
          beacon,
          n: 10,
          prizes: [{ name: 'W', amount: 1 }],
        });
        expect(v2.randomness).not.toBe(v1.randomness);
      }),
      { numRuns: 50 },
    );
  });

  it('refuses a beacon of another round than the lottery pinned', () => {
    const [beacon] = QUICKNET_ROUNDS;
    if (!beacon) throw new Error('rounds are recorded');
    expect(() =>
      drawFairdrawV2({
        seed: new Uint8Array(32),
        lotteryId: LOTTERY,
        entriesDigest: '',
        chainHash: '',
        round: 99,
        beacon,
        n: 1,
        prizes: [],
      }),
    ).toThrow(RangeError);
  });
});
