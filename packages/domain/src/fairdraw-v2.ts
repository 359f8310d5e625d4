/**
 * The fairdraw-v2 draw (API.md, "Draws anchored to a public beacon"): fairdraw-v1 with a drand
 * round mixed into step 3, so that nobody, the operator included, can compute the winners before
 * the beacon publishes a round that did not exist when the entries froze. Steps 4-6 are v1's.
 */
import { createHmac } from 'node:crypto';
import type { Beacon } from './beacon-chain.js';
import { type DrawOutcome, drawFromRandomness } from './fairdraw-v1.js';
import type { Prize } from './prizes.js';

export const ALGORITHM_V2 = 'fairdraw-v2' as const;
export type Algorithm = 'fairdraw-v1' | typeof ALGORITHM_V2;

export interface V2Input {
  readonly seed: Uint8Array;
  readonly lotteryId: string;
  readonly entriesDigest: string;
  readonly chainHash: string;
  readonly round: number;
  /** hex(sha256(signature)) of the round's beacon, checked before it gets here. */
  readonly beaconRandomness: string;
}

/** hmac_sha256(seed, "fairdraw-v2|{lottery_id}|{entries_digest}|{chain_hash}|{round}|{beacon_randomness}"). */
export function randomnessOfV2(input: V2Input): Buffer {
  const message = [
    ALGORITHM_V2,
    input.lotteryId.toLowerCase(),
    input.entriesDigest,
    input.chainHash,
    String(input.round),
    input.beaconRandomness,
  ].join('|');
  return createHmac('sha256', input.seed).update(message).digest();
}

export function drawFairdrawV2(
  input: Omit<V2Input, 'beaconRandomness'> & { readonly beacon: Beacon; readonly n: number; readonly prizes: readonly Prize[] },
): DrawOutcome {
  if (input.beacon.round !== input.round) throw new RangeError(`beacon round ${input.beacon.round} is not round ${input.round}`);
  const randomness = randomnessOfV2({ ...input, beaconRandomness: input.beacon.randomness });
  return drawFromRandomness(randomness, input.n, input.prizes);
}
