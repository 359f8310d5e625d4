/**
 * The beacon half of checking a published fairdraw-v2 record (API.md steps 1 and 3): the chain is
 * one the verifier trusts, the round follows from the lottery's closing instant, and the round's
 * signature verifies under the chain's key. A record that only agrees with itself proves nothing:
 * the key comes from the verifier's own chain info, never from the record it checks.
 */
import { type BeaconChain, beaconRandomnessOf, checkBeacon, roundFor } from './beacon-chain.js';
import type { PublicDraw, PublicLottery } from './public-record.js';
import type { Mismatch } from './verify-mismatch.js';

/** Chains a verifier trusts, by chain hash (from its own relay or a file, never from the record). */
export type TrustedChains = ReadonlyMap<string, BeaconChain>;

export interface BeaconVerdict {
  readonly found: readonly Mismatch[];
  /** What step 4 mixes in: sha256 of the published signature. */
  readonly beaconRandomness: string;
  readonly chainHash: string;
  readonly round: number;
}

const HEX96 = /^[0-9a-f]{96}$/;

export function checkBeaconRecord(lottery: PublicLottery, draw: PublicDraw, chains: TrustedChains): BeaconVerdict | Mismatch {
  const pinned = lottery.beacon;
  const drawn = draw.beacon;
  if (!pinned || !drawn) return { kind: 'RECORD', message: 'a fairdraw-v2 record carries its beacon in the lottery and in the draw' };
  if (pinned.round === null || drawn.signature === null) {
    return { kind: 'NOT_DRAWN', message: 'the beacon round has not been drawn with yet' };
  }
  const found: Mismatch[] = [];
  const trusted = chains.get(pinned.chain_hash);
  if (drawn.chain_hash !== pinned.chain_hash) {
    found.push({ kind: 'BEACON_CHAIN', message: `the draw names chain ${drawn.chain_hash}; the lottery pinned ${pinned.chain_hash}` });
  }
  if (trusted === undefined) {
    found.push({ kind: 'BEACON_CHAIN', message: `chain ${pinned.chain_hash} is not one this verifier has chain info for` });
  } else if (trusted.publicKey !== pinned.public_key || trusted.period !== pinned.period || trusted.genesisTime !== pinned.genesis_time) {
    found.push({
      kind: 'BEACON_CHAIN',
      message: `the lottery's public_key, period or genesis_time differ from chain ${pinned.chain_hash}'s info`,
    });
  }
  const chain = trusted ?? {
    chainHash: pinned.chain_hash,
    publicKey: pinned.public_key,
    period: pinned.period,
    genesisTime: pinned.genesis_time,
  };
  const closing = Date.parse(lottery.closes_at ?? lottery.closed_at ?? '');
  if (Number.isNaN(closing)) {
    found.push({ kind: 'BEACON_ROUND', message: 'the lottery shows no closing instant to fix the round from' });
  } else {
    const expected = pinned.margin_s >= 1 ? roundFor(chain, closing, pinned.margin_s) : null;
    if (expected !== pinned.round) {
      found.push({
        kind: 'BEACON_ROUND',
        message: `the closing instant plus margin_s ${pinned.margin_s} gives round ${expected ?? 'none (margin_s < 1)'}; the lottery says ${pinned.round}`,
      });
    }
  }
  if (drawn.round !== pinned.round)
    found.push({ kind: 'BEACON_ROUND', message: `the draw used round ${drawn.round}; the lottery pinned ${pinned.round}` });
  const check = checkBeacon(chain, pinned.round, { round: pinned.round, signature: drawn.signature, randomness: drawn.randomness ?? '' });
  if (check === 'SIGNATURE') {
    found.push({
      kind: 'BEACON_SIGNATURE',
      message: `the signature does not verify for round ${pinned.round} under the chain's public key`,
    });
  }
  const beaconRandomness = HEX96.test(drawn.signature) ? beaconRandomnessOf(drawn.signature) : (drawn.randomness ?? '');
  if (drawn.randomness !== beaconRandomness) {
    found.push({ kind: 'BEACON_RANDOMNESS', message: `sha256(signature) = ${beaconRandomness}; the record says ${drawn.randomness}` });
  }
  return { found, beaconRandomness, chainHash: pinned.chain_hash, round: pinned.round };
}
