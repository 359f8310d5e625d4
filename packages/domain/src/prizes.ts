import { fail, invalid } from './errors.js';
import { isMinorUnits, MAX_PRICE } from './wallet.js';

export interface Prize {
  readonly name: string;
  readonly amount: number;
  /** Minor units paid into each winner's wallet in the draw's transaction; 0 when absent. */
  readonly value?: number | undefined;
}

export const DEFAULT_PRIZES: readonly Prize[] = [{ name: 'Winner', amount: 1 }];

/** Prizes in rank order: the first is the top prize. */
export function checkPrizes(prizes: readonly Prize[], ticketLimit: number | null): readonly Prize[] {
  if (prizes.length === 0) invalid('prizes', 'a lottery needs at least one prize');
  prizes.forEach((prize, i) => {
    if (!Number.isSafeInteger(prize.amount) || prize.amount < 1) {
      invalid(`prizes.${i}.amount`, 'amount must be a positive integer');
    }
    if (prize.name.trim().length === 0) invalid(`prizes.${i}.name`, 'prize name must not be empty');
    if (prize.value !== undefined && (!isMinorUnits(prize.value) || prize.value > MAX_PRICE)) {
      invalid(`prizes.${i}.value`, `value must be 0..${MAX_PRICE} minor units`);
    }
  });
  if (ticketLimit !== null && totalPrizeUnits(prizes) > ticketLimit) {
    fail('TOO_MANY_PRIZES', `${totalPrizeUnits(prizes)} prize units cannot be won from ${ticketLimit} tickets`, [
      { path: 'prizes', message: 'more prize units than tickets' },
    ]);
  }
  // A prize without a value is worth 0 (prizeValue); it is kept as given, so older records read alike.
  return prizes.map((p) => ({ name: p.name.trim(), amount: p.amount, ...(p.value === undefined ? {} : { value: p.value }) }));
}

export function totalPrizeUnits(prizes: readonly Prize[]): number {
  return prizes.reduce((sum, p) => sum + p.amount, 0);
}

/** The prize won by the winner at `index` (0-based, in draw order). */
export function prizeAt(prizes: readonly Prize[], index: number): Prize | null {
  let remaining = index;
  for (const prize of prizes) {
    if (remaining < prize.amount) return prize;
    remaining -= prize.amount;
  }
  return null;
}

/** What a prize pays each of its winners, in minor units. */
export const prizeValue = (prize: Prize): number => prize.value ?? 0;

export interface PrizePayout {
  /** Minor units: the values of every prize the participant's ballots won. */
  readonly amount: number;
  /** How many of its ballots won a prize with a value. */
  readonly ballots: number;
}

/**
 * What each participant is paid for a draw: the value of the prize of every winner (`rank` is
 * 1-based, in draw order) summed per participant. Guests and prizes worth 0 are paid nothing.
 */
export function prizePayouts<P extends string>(
  prizes: readonly Prize[],
  winners: readonly { readonly rank: number; readonly participantId: P | null }[],
): Map<P, PrizePayout> {
  const payouts = new Map<P, PrizePayout>();
  for (const { rank, participantId } of winners) {
    const prize = prizeAt(prizes, rank - 1);
    const value = prize === null ? 0 : prizeValue(prize);
    if (participantId === null || value === 0) continue;
    const sofar = payouts.get(participantId) ?? { amount: 0, ballots: 0 };
    payouts.set(participantId, { amount: sofar.amount + value, ballots: sofar.ballots + 1 });
  }
  return payouts;
}
