import { describe, expect, it } from 'vitest';
import { DomainError } from './errors.js';
import { LotteryId, ParticipantId, TransactionId } from './ids.js';
import { Lottery } from './lottery.js';
import { prizePayouts } from './prizes.js';
import { type LedgerEntry, ledgerBalances, Wallet } from './wallet.js';

const now = new Date('2026-11-22T12:00:00.000Z');
const alice = ParticipantId('0190f5e2-0000-7000-8000-000000000001');
const bob = ParticipantId('0190f5e2-0000-7000-8000-000000000002');
const lotteryId = LotteryId('0190f5e2-0000-7000-8000-0000000000aa');
let ids = 0;
const id = () => TransactionId(`0190f5e2-0000-7000-8000-${String(++ids).padStart(12, '0')}`);

const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    if (error instanceof DomainError) return error.code;
    throw error;
  }
  return null;
};

describe('Wallet', () => {
  it('starts empty and changes its balance only by appending entries, numbered in order', () => {
    const wallet = Wallet.empty(alice);
    expect(wallet.toState()).toEqual({ participantId: alice, balance: 0, seq: 0, updatedAt: null });
    wallet.deposit({ id: id(), amount: 1000, now });
    const purchase = wallet.purchase({ id: id(), lotteryId, ballotCount: 3, price: 750, now });
    wallet.refund({ id: id(), purchase, now });
    wallet.payout({ id: id(), lotteryId, ballotCount: 1, amount: 5000, now });
    expect(wallet.appended.map((e) => [e.seq, e.kind, e.amount, e.balanceAfter])).toEqual([
      [1, 'deposit', 1000, 1000],
      [2, 'purchase', -750, 250],
      [3, 'refund', 750, 1000],
      [4, 'payout', 5000, 6000],
    ]);
    expect(wallet.balance).toBe(6000);
    // The balance is the sum of the entries, and each entry says the balance it left.
    expect(wallet.appended.reduce((sum, e) => sum + e.amount, 0)).toBe(wallet.balance);
    expect(wallet.toState()).toMatchObject({ seq: 4, updatedAt: now });
  });

  it('never goes below zero: a purchase over the balance is INSUFFICIENT_FUNDS and leaves nothing', () => {
    const wallet = Wallet.restore({ participantId: alice, balance: 500, seq: 7, updatedAt: now });
    expect(codeOf(() => wallet.purchase({ id: id(), lotteryId, ballotCount: 1, price: 501, now }))).toBe('INSUFFICIENT_FUNDS');
    expect(wallet.appended).toEqual([]);
    expect(wallet.balance).toBe(500);
    const exact = wallet.purchase({ id: id(), lotteryId, ballotCount: 1, price: 500, now });
    expect(exact).toMatchObject({ seq: 8, amount: -500, balanceAfter: 0 });
    expect(codeOf(() => wallet.purchase({ id: id(), lotteryId, ballotCount: 1, price: 1, now }))).toBe('INSUFFICIENT_FUNDS');
  });

  it('takes deposits of 1..1,000,000 whole minor units only', () => {
    const wallet = Wallet.empty(alice);
    for (const amount of [0, -5, 1_000_001, 1.5, Number.NaN]) {
      expect(codeOf(() => wallet.deposit({ id: id(), amount, now }))).toBe('VALIDATION_FAILED');
    }
    expect(wallet.appended).toEqual([]);
    wallet.deposit({ id: id(), amount: 1_000_000, now });
    wallet.deposit({ id: id(), amount: 1, now });
    expect(wallet.balance).toBe(1_000_001);
  });

  it('refunds only its own purchases, the whole amount back', () => {
    const mine = Wallet.empty(alice);
    mine.deposit({ id: id(), amount: 100, now });
    const purchase = mine.purchase({ id: id(), lotteryId, ballotCount: 2, price: 60, now });
    const theirs = Wallet.empty(bob);
    expect(() => theirs.refund({ id: id(), purchase, now })).toThrow();
    const deposit = mine.appended[0] as LedgerEntry;
    expect(() => mine.refund({ id: id(), purchase: deposit, now })).toThrow();
    expect(mine.refund({ id: id(), purchase, now })).toMatchObject({ amount: 60, refundOf: purchase.id, ballotCount: 2, lotteryId });
  });

  it('refuses zero, negative and fractional purchases and payouts as programming errors', () => {
    const wallet = Wallet.restore({ participantId: alice, balance: 100, seq: 1, updatedAt: now });
    expect(() => wallet.purchase({ id: id(), lotteryId, ballotCount: 1, price: 0, now })).toThrow(RangeError);
    expect(() => wallet.purchase({ id: id(), lotteryId, ballotCount: 1, price: 0.5, now })).toThrow(RangeError);
    expect(() => wallet.payout({ id: id(), lotteryId, ballotCount: 1, amount: -1, now })).toThrow(RangeError);
  });

  it('the ledger identity: deposits − purchases + refunds + payouts = balances', () => {
    expect(ledgerBalances({ deposits: 100, purchases: 30, refunds: 10, payouts: 5, balances: 85 })).toBe(true);
    expect(ledgerBalances({ deposits: 100, purchases: 30, refunds: 10, payouts: 5, balances: 86 })).toBe(false);
  });
});

describe('priced lotteries', () => {
  const open = (input: Partial<Parameters<typeof Lottery.open>[0]> = {}) =>
    Lottery.open({ id: lotteryId, name: 'paid', seed: new Uint8Array(32), now, timeZone: 'UTC', ...input });

  it('admit no guests when a ticket has a price or a prize a value', () => {
    expect(codeOf(() => open({ ticketPrice: 1, entry: { guests: true } }))).toBe('VALIDATION_FAILED');
    expect(codeOf(() => open({ prizes: [{ name: 'Cash', amount: 1, value: 1 }], entry: { guests: true } }))).toBe('VALIDATION_FAILED');
    expect(open({ ticketPrice: 0, entry: { guests: true } }).toState().entry.guests).toBe(true);
  });

  it('take prices and values as whole minor units only', () => {
    for (const ticketPrice of [-1, 0.5, 2_000_000_000]) expect(codeOf(() => open({ ticketPrice }))).toBe('VALIDATION_FAILED');
    expect(codeOf(() => open({ prizes: [{ name: 'Cash', amount: 1, value: 1.25 }] }))).toBe('VALIDATION_FAILED');
    expect(open({ ticketPrice: 250 }).priceOf(4)).toBe(1000);
    expect(open({ prizes: [{ name: 'Cash', amount: 1, value: 0 }] }).toState().prizes).toEqual([{ name: 'Cash', amount: 1, value: 0 }]);
  });

  it('check funds after the entry limits, and take nothing from a player who cannot pay', () => {
    const lottery = open({ ticketPrice: 100, entry: { perParticipantLimit: 2 } });
    const request = { player: { participantId: alice, isAdmin: false }, count: 3, chosenTicket: null, now };
    const plan = lottery.planIssue(request, () => 0);
    const issue = (funds: number | null, byParticipant = 0) =>
      codeOf(() => lottery.issueTickets(plan, { kind: 'sequential' }, { byParticipant, byIp: 0 }, now, funds));
    expect(issue(0)).toBe('ENTRY_LIMIT_REACHED');
    const two = lottery.planIssue({ ...request, count: 2 }, () => 0);
    expect(codeOf(() => lottery.issueTickets(two, { kind: 'sequential' }, { byParticipant: 0, byIp: 0 }, now, 199))).toBe(
      'INSUFFICIENT_FUNDS',
    );
    expect(codeOf(() => lottery.issueTickets(two, { kind: 'sequential' }, { byParticipant: 0, byIp: 0 }, now, null))).toBe(
      'INSUFFICIENT_FUNDS',
    );
    expect(lottery.toState().ticketsIssued).toBe(0);
    expect(lottery.issueTickets(two, { kind: 'sequential' }, { byParticipant: 0, byIp: 0 }, now, 200).tickets).toEqual([1, 2]);
  });

  it('pay each participant the values of the prizes its ballots won; guests and worthless prizes pay nothing', () => {
    const prizes = [
      { name: 'Gold', amount: 1, value: 1000 },
      { name: 'Silver', amount: 2, value: 100 },
      { name: 'Hug', amount: 1, value: 0 },
    ];
    const payouts = prizePayouts(prizes, [
      { rank: 1, participantId: alice },
      { rank: 2, participantId: bob },
      { rank: 3, participantId: alice },
      { rank: 4, participantId: bob },
    ]);
    expect(Object.fromEntries(payouts)).toEqual({ [alice]: { amount: 1100, ballots: 2 }, [bob]: { amount: 100, ballots: 1 } });
    expect(prizePayouts(prizes, [{ rank: 1, participantId: null }]).size).toBe(0);
  });
});

describe('cancelled lotteries', () => {
  const lottery = () => Lottery.open({ id: lotteryId, name: 'off', seed: new Uint8Array(32), now, timeZone: 'UTC' });

  it('cancel only before the draw, once, and then take no ballots, close or draw', () => {
    const cancelled = lottery();
    cancelled.cancel();
    expect(cancelled.toState().status).toBe('cancelled');
    expect(codeOf(() => cancelled.cancel())).toBe('LOTTERY_CANCELLED');
    expect(
      codeOf(() => cancelled.planIssue({ player: { participantId: alice, isAdmin: false }, count: 1, chosenTicket: null, now }, () => 0)),
    ).toBe('LOTTERY_CANCELLED');
    expect(codeOf(() => cancelled.close(now))).toBe('LOTTERY_CANCELLED');
    expect(codeOf(() => cancelled.draw(now))).toBe('LOTTERY_CANCELLED');
    expect(cancelled.isDue(new Date('2100-01-01T00:00:00.000Z'))).toBe(false);

    const closed = lottery();
    closed.close(now);
    closed.cancel();
    expect(closed.statusAt(now)).toBe('cancelled');

    const drawn = lottery();
    drawn.close(now);
    drawn.seal({ entriesDigest: 'd'.repeat(64), n: 0 });
    drawn.draw(now);
    expect(codeOf(() => drawn.cancel())).toBe('ALREADY_DRAWN');
  });
});
