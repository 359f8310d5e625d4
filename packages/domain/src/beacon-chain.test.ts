import { describe, expect, it } from 'vitest';
import {
  acceptChainInfo,
  beaconRandomnessOf,
  chainHashOf,
  checkBeacon,
  QUICKNET_CHAIN_HASH,
  roundFor,
  roundTimeMs,
} from './beacon-chain.js';
import { QUICKNET_INFO, QUICKNET_ROUNDS } from './test-vectors-v2.js';

// A pairing takes ~20 ms on a quiet machine and far longer on a busy shared one.
const BLS_TIMEOUT = { timeout: 120_000 };

const chain = { period: 3, genesisTime: QUICKNET_INFO.genesis_time, publicKey: QUICKNET_INFO.public_key };
const flipBit = (hex: string, bit: number) => {
  const bytes = Buffer.from(hex, 'hex');
  bytes[bit >> 3] = (bytes[bit >> 3] ?? 0) ^ (1 << (bit & 7));
  return bytes.toString('hex');
};

describe('the round rule', () => {
  const r = 30662982;
  const at = roundTimeMs(chain, r);

  it('publishes round r at genesis_time + (r - 1) * period', () => {
    expect(roundTimeMs(chain, 1)).toBe(QUICKNET_INFO.genesis_time * 1000);
    expect(new Date(at).toISOString()).toBe('2026-07-23T07:38:30.000Z');
  });

  it('takes the round exactly at C + margin, and the next one a millisecond later', () => {
    expect(roundFor(chain, at - 10_000, 10)).toBe(r);
    expect(roundFor(chain, at - 10_000 + 1, 10)).toBe(r + 1);
    expect(roundFor(chain, at - 10_000 - 2_999, 10)).toBe(r);
    expect(roundFor(chain, at - 10_000 - 3_000, 10)).toBe(r - 1);
  });

  it('counts the margin in whole seconds after the closing instant', () => {
    expect(roundFor(chain, at, 1)).toBe(r + 1);
    expect(roundFor(chain, at - 1_000, 1)).toBe(r);
    expect(roundTimeMs(chain, roundFor(chain, at - 30_000, 30))).toBe(at);
  });

  it('never gives a round before 1, at or before genesis', () => {
    const genesisMs = QUICKNET_INFO.genesis_time * 1000;
    expect(roundFor(chain, genesisMs - 10_000, 10)).toBe(1);
    expect(roundFor(chain, genesisMs - 86_400_000, 10)).toBe(1);
    expect(roundFor(chain, genesisMs - 10_000 + 1, 10)).toBe(2);
  });

  it('always lands on the first round at or after C + margin (any instant, period, margin)', () => {
    for (let i = 0; i < 2000; i++) {
      const period = 1 + (i % 30);
      const c = { period, genesisTime: 1_600_000_000 };
      const closing = 1_600_000_000_000 + i * 7_919_377 + (i % 1000);
      const margin = 1 + (i % 60);
      const round = roundFor(c, closing, margin);
      expect(roundTimeMs(c, round)).toBeGreaterThanOrEqual(closing + margin * 1000);
      expect(roundTimeMs(c, round - 1)).toBeLessThan(closing + margin * 1000);
    }
  });
});

describe('chain info', BLS_TIMEOUT, () => {
  it('hashes quicknet to its published chain hash', () => {
    expect(
      chainHashOf({
        publicKey: QUICKNET_INFO.public_key,
        period: 3,
        genesisTime: QUICKNET_INFO.genesis_time,
        groupHash: QUICKNET_INFO.groupHash,
        beaconId: 'quicknet',
      }),
    ).toBe(QUICKNET_CHAIN_HASH);
  });

  it('is accepted for the expected chain and refused when any field or the scheme differs', () => {
    expect(acceptChainInfo(QUICKNET_INFO, QUICKNET_CHAIN_HASH)).toEqual({
      chainHash: QUICKNET_CHAIN_HASH,
      publicKey: QUICKNET_INFO.public_key,
      period: 3,
      genesisTime: QUICKNET_INFO.genesis_time,
      groupHash: QUICKNET_INFO.groupHash,
      beaconId: 'quicknet',
    });
    const refused = (info: object) => 'problem' in acceptChainInfo(info, QUICKNET_CHAIN_HASH);
    expect(refused({ ...QUICKNET_INFO, period: 30 })).toBe(true);
    expect(refused({ ...QUICKNET_INFO, genesis_time: QUICKNET_INFO.genesis_time + 1 })).toBe(true);
    expect(refused({ ...QUICKNET_INFO, public_key: flipBit(QUICKNET_INFO.public_key, 700) })).toBe(true);
    expect(refused({ ...QUICKNET_INFO, metadata: { beaconID: 'default' } })).toBe(true);
    expect(refused({ ...QUICKNET_INFO, schemeID: 'pedersen-bls-chained' })).toBe(true);
    expect(refused({ ...QUICKNET_INFO, public_key: 'zz' })).toBe(true);
    expect(refused([])).toBe(true);
    // The relay's own claim of a hash proves nothing: the hash is computed from the fields.
    expect(refused({ ...QUICKNET_INFO, hash: '00'.repeat(32) })).toBe(false);
    expect('problem' in acceptChainInfo(QUICKNET_INFO, '00'.repeat(32))).toBe(true);
  });
});

describe('beacon verification on real quicknet rounds', BLS_TIMEOUT, () => {
  it('accepts every recorded round, its randomness sha256 of its signature', () => {
    expect(QUICKNET_ROUNDS.length).toBeGreaterThanOrEqual(5);
    for (const beacon of QUICKNET_ROUNDS) {
      expect(checkBeacon(chain, beacon.round, beacon), `round ${beacon.round}`).toBe('ok');
      expect(beaconRandomnessOf(beacon.signature)).toBe(beacon.randomness);
    }
  });

  it('refuses a flipped bit anywhere in the signature, another round, a bad randomness or another key', () => {
    const [beacon] = QUICKNET_ROUNDS.filter((b) => b.round === 30662982);
    if (!beacon) throw new Error('round 30662982 is recorded');
    for (const bit of [0, 7, 100, 200, 383]) {
      const signature = flipBit(beacon.signature, bit);
      expect(checkBeacon(chain, beacon.round, { ...beacon, signature, randomness: beaconRandomnessOf(signature) }), `bit ${bit}`).toBe(
        'SIGNATURE',
      );
    }
    expect(checkBeacon(chain, beacon.round + 1, { ...beacon, round: beacon.round + 1 })).toBe('SIGNATURE');
    expect(checkBeacon(chain, beacon.round + 1, beacon)).toBe('ROUND');
    expect(checkBeacon(chain, beacon.round, { ...beacon, randomness: flipBit(beacon.randomness, 3) })).toBe('RANDOMNESS');
    expect(checkBeacon({ publicKey: flipBit(chain.publicKey, 500) }, beacon.round, beacon)).toBe('SIGNATURE');
    expect(checkBeacon(chain, beacon.round, { ...beacon, signature: 'not hex' })).toBe('SIGNATURE');
    expect(checkBeacon(chain, beacon.round, { ...beacon, signature: `c0${'00'.repeat(47)}` })).toBe('SIGNATURE');
  });
});
