import { fail, invalid } from './errors.js';
import type { LotteryId, ParticipantId, TransactionId } from './ids.js';

export type TransactionKind = 'deposit' | 'purchase' | 'refund' | 'payout';

/**
 * One row of the append-only ledger. `seq` numbers a wallet's entries 1, 2, 3, … and each
 * entry carries the balance it leaves, so the entries alone say what every balance was.
 */
export interface LedgerEntry {
  readonly id: TransactionId;
  readonly participantId: ParticipantId;
  readonly seq: number;
  readonly kind: TransactionKind;
  /** Signed, in minor units: a purchase is negative. */
  readonly amount: number;
  readonly balanceAfter: number;
  /** Null for deposits. */
  readonly lotteryId: LotteryId | null;
  readonly ballotCount: number | null;
  /** The purchase a refund gives back. */
  readonly refundOf: TransactionId | null;
  readonly createdAt: Date;
}

export interface WalletState {
  readonly participantId: ParticipantId;
  readonly balance: number;
  /** The seq of the latest entry; 0 for a wallet nothing was ever written to. */
  readonly seq: number;
  readonly updatedAt: Date | null;
}

/** API.md: a deposit is 1..1,000,000 minor units. */
export const MAX_DEPOSIT = 1_000_000;

/** The most a ticket or a prize may be worth (10,000,000.00 in a two-decimal currency). */
export const MAX_PRICE = 1_000_000_000;

/** An amount of money: a whole number of minor units (cents for EUR), never a float. */
export function isMinorUnits(value: number): boolean {
  return Number.isSafeInteger(value) && value >= 0;
}

/**
 * A participant's wallet. Its balance changes only by appending an entry (deposit, purchase,
 * refund, payout), and an entry that would take it below zero is refused, so the balance is
 * always the sum of the entries and never negative. Appended entries wait in `appended` until
 * the store writes them with the new balance.
 */
export class Wallet {
  private readonly pending: LedgerEntry[] = [];

  private constructor(private state: WalletState) {}

  static empty(participantId: ParticipantId): Wallet {
    return new Wallet({ participantId, balance: 0, seq: 0, updatedAt: null });
  }

  static restore(state: WalletState): Wallet {
    return new Wallet(state);
  }

  toState(): WalletState {
    return this.state;
  }

  get participantId(): ParticipantId {
    return this.state.participantId;
  }

  get balance(): number {
    return this.state.balance;
  }

  /** Entries appended since the wallet was read, oldest first. */
  get appended(): readonly LedgerEntry[] {
    return this.pending;
  }

  canPay(amount: number): boolean {
    return amount <= this.state.balance;
  }

  deposit(input: { id: TransactionId; amount: number; now: Date }): LedgerEntry {
    if (!Number.isSafeInteger(input.amount) || input.amount < 1 || input.amount > MAX_DEPOSIT) {
      invalid('amount', `amount must be an integer from 1 to ${MAX_DEPOSIT}`);
    }
    return this.append(
      { id: input.id, kind: 'deposit', amount: input.amount, lotteryId: null, ballotCount: null, refundOf: null },
      input.now,
    );
  }

  /** Pays `price` (count × ticket price) for ballots; INSUFFICIENT_FUNDS when the balance is short. */
  purchase(input: { id: TransactionId; lotteryId: LotteryId; ballotCount: number; price: number; now: Date }): LedgerEntry {
    if (!isMinorUnits(input.price) || input.price === 0) throw new RangeError(`a purchase costs a positive amount, not ${input.price}`);
    if (!this.canPay(input.price)) fail('INSUFFICIENT_FUNDS', `${input.price} is more than the balance of ${this.state.balance}`);
    return this.append(
      { id: input.id, kind: 'purchase', amount: -input.price, lotteryId: input.lotteryId, ballotCount: input.ballotCount, refundOf: null },
      input.now,
    );
  }

  /** Gives a purchase of this wallet back in full. */
  refund(input: { id: TransactionId; purchase: LedgerEntry; now: Date }): LedgerEntry {
    const { purchase } = input;
    if (purchase.kind !== 'purchase' || purchase.participantId !== this.state.participantId) {
      throw new Error(`entry ${purchase.id} is not a purchase of this wallet`);
    }
    return this.append(
      {
        id: input.id,
        kind: 'refund',
        amount: -purchase.amount,
        lotteryId: purchase.lotteryId,
        ballotCount: purchase.ballotCount,
        refundOf: purchase.id,
      },
      input.now,
    );
  }

  /** Credits the value of the prizes won by `ballotCount` winning ballots of a lottery. */
  payout(input: { id: TransactionId; lotteryId: LotteryId; ballotCount: number; amount: number; now: Date }): LedgerEntry {
    if (!isMinorUnits(input.amount) || input.amount === 0) throw new RangeError(`a payout is a positive amount, not ${input.amount}`);
    return this.append(
      { id: input.id, kind: 'payout', amount: input.amount, lotteryId: input.lotteryId, ballotCount: input.ballotCount, refundOf: null },
      input.now,
    );
  }

  private append(entry: Omit<LedgerEntry, 'participantId' | 'seq' | 'balanceAfter' | 'createdAt'>, now: Date): LedgerEntry {
    const balanceAfter = this.state.balance + entry.amount;
    // Unreachable through the methods above; the invariant is checked where the balance moves.
    if (balanceAfter < 0) fail('INSUFFICIENT_FUNDS', 'a balance never goes below zero');
    if (!Number.isSafeInteger(balanceAfter)) invalid('amount', 'the balance would exceed what can be stored exactly');
    const appended: LedgerEntry = {
      ...entry,
      participantId: this.state.participantId,
      seq: this.state.seq + 1,
      balanceAfter,
      createdAt: now,
    };
    this.pending.push(appended);
    this.state = { ...this.state, balance: balanceAfter, seq: appended.seq, updatedAt: now };
    return appended;
  }
}

export interface LedgerTotals {
  readonly deposits: number;
  /** The positive total spent. */
  readonly purchases: number;
  readonly refunds: number;
  readonly payouts: number;
  readonly balances: number;
}

/** API.md's identity of /ledger: money is never created or lost. */
export function ledgerBalances(t: LedgerTotals): boolean {
  return t.deposits - t.purchases + t.refunds + t.payouts === t.balances;
}
