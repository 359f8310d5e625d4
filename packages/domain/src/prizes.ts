import { fail, invalid } from './errors.js';

export interface Prize {
  readonly name: string;
  readonly amount: number;
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
  });
  if (ticketLimit !== null && totalPrizeUnits(prizes) > ticketLimit) {
    fail('TOO_MANY_PRIZES', `${totalPrizeUnits(prizes)} prize units cannot be won from ${ticketLimit} tickets`, [
      { path: 'prizes', message: 'more prize units than tickets' },
    ]);
  }
  return prizes.map((p) => ({ name: p.name.trim(), amount: p.amount }));
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
