import { describe, expect, it } from 'vitest';
import { DomainError } from './errors.js';
import { checkPrizes, prizeAt, totalPrizeUnits } from './prizes.js';

describe('prizes', () => {
  const prizes = [
    { name: 'Gold', amount: 1 },
    { name: 'Silver', amount: 2 },
  ];
  it('hands prizes out in rank order with their amounts', () => {
    expect([0, 1, 2, 3].map((i) => prizeAt(prizes, i)?.name ?? null)).toEqual(['Gold', 'Silver', 'Silver', null]);
    expect(totalPrizeUnits(prizes)).toBe(3);
  });
  it('refuses more prize units than tickets', () => {
    expect(() => checkPrizes(prizes, 2)).toThrowError(expect.objectContaining({ code: 'TOO_MANY_PRIZES' }));
    expect(checkPrizes(prizes, 3)).toEqual(prizes);
  });
  it('refuses an empty list', () => {
    expect(() => checkPrizes([], null)).toThrow(DomainError);
  });
});
