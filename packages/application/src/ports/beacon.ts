import type { Beacon, BeaconChain, LotteryId } from '@fairdraw/domain';

/**
 * A drand-compatible randomness beacon (API.md, fairdraw-v2): relays tried in order, every
 * answer verified before it is handed out, no fallback to anything else.
 */
export interface RandomnessBeacon {
  /**
   * The configured chain once a relay's chain info has been fetched and checked against
   * BEACON_CHAIN_HASH; null until then, and always with DRAW_BEACON=off. Never waits on a relay:
   * new lotteries are fairdraw-v2 while this is set.
   */
  chainInfo(): BeaconChain | null;
  /**
   * The beacon of `round` on `chain` (the chain a lottery pinned, whatever is configured now),
   * verified under the chain's key; null when no relay gives a valid one.
   */
  beacon(chain: BeaconChain, round: number): Promise<Beacon | null>;
}

/**
 * Draws a v2 lottery as soon as its round is published: a delayed BullMQ job, or a timer in the
 * embedded mode. Never throws: a draw it fails to schedule is left to the next scheduled tick,
 * which draws every due lottery, and the implementation reports the failure itself.
 */
export interface BeaconDrawScheduler {
  drawAt(lotteryId: LotteryId, at: Date): Promise<void>;
}
