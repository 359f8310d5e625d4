import type { BallotId, LedgerEntry, LotteryState, Participant, WalletState } from '@fairdraw/domain';
import { type ApplicationCode, ApplicationError } from '../errors.js';
import { AccountGone } from '../ports/account-gone.js';
import type { Ballot, DrawRecord, IdempotencyRecord, RefreshToken } from '../ports/repositories.js';
import type { Delivery, RecordedEvent, Webhook } from '../ports/webhooks.js';

/**
 * The committed data of the in-memory store. Records are private copies that nobody mutates in
 * place, so a transaction's snapshot is a shallow copy of each map (cheap) and a rollback is
 * dropping that copy.
 */
export interface Store {
  readonly participants: Map<string, Participant>;
  readonly refreshTokens: Map<string, RefreshToken>;
  readonly lotteries: Map<string, LotteryState>;
  readonly ballots: Map<string, Ballot>;
  /** The unique index (lottery_id, ticket_number) → ballot id. */
  readonly tickets: Map<string, BallotId>;
  /** Stored pool slots, keyed `${lotteryId}:${position}`. */
  readonly slots: Map<string, number>;
  /** Entry counts, keyed `${lotteryId}|${holder}`. */
  readonly entryCounts: Map<string, number>;
  readonly draws: Map<string, DrawRecord>;
  readonly idempotency: Map<string, IdempotencyRecord & { readonly createdAt: Date }>;
  readonly wallets: Map<string, WalletState>;
  /** Ledger entries by id, in the order written. */
  readonly ledger: Map<string, LedgerEntry>;
  readonly webhooks: Map<string, Webhook>;
  readonly events: Map<string, RecordedEvent>;
  /** Deliveries with the event they carry. */
  readonly deliveries: Map<string, Delivery & { readonly eventId: string }>;
}

export const emptyStore = (): Store => ({
  participants: new Map(),
  refreshTokens: new Map(),
  lotteries: new Map(),
  ballots: new Map(),
  tickets: new Map(),
  slots: new Map(),
  entryCounts: new Map(),
  draws: new Map(),
  idempotency: new Map(),
  wallets: new Map(),
  ledger: new Map(),
  webhooks: new Map(),
  events: new Map(),
  deliveries: new Map(),
});

export const copyStore = (s: Store): Store => ({
  participants: new Map(s.participants),
  refreshTokens: new Map(s.refreshTokens),
  lotteries: new Map(s.lotteries),
  ballots: new Map(s.ballots),
  tickets: new Map(s.tickets),
  slots: new Map(s.slots),
  entryCounts: new Map(s.entryCounts),
  draws: new Map(s.draws),
  idempotency: new Map(s.idempotency),
  wallets: new Map(s.wallets),
  ledger: new Map(s.ledger),
  webhooks: new Map(s.webhooks),
  events: new Map(s.events),
  deliveries: new Map(s.deliveries),
});

/** What the repositories see: a transaction's working copy, or the committed store for `reads`. */
export interface Session {
  store(): Store;
  /** Throws once the transaction has ended or was aborted, as PostgreSQL refuses such commands. */
  check(): void;
  /** A unique rule rejected a write. Like PostgreSQL, this aborts the whole transaction. */
  reject(code: ApplicationCode, message: string): never;
  /** The same with the error a foreign key raises for a participant with no account. */
  rejectAccountless(): never;
  /** A transaction-scoped advisory lock; false when another transaction holds it. */
  tryLock(key: string): boolean;
}

export interface Transaction {
  readonly store: Store;
  aborted: boolean;
  ended: boolean;
  readonly locks: Set<string>;
}

export function transactionSession(tx: Transaction, heldLocks: Set<string>): Session {
  return {
    store: () => tx.store,
    check() {
      if (tx.ended) throw new Error('this unit of work has ended; its repositories cannot be used any more');
      if (tx.aborted) throw new Error('current transaction is aborted, commands ignored until end of transaction block');
    },
    reject(code, message) {
      tx.aborted = true;
      throw new ApplicationError(code, message);
    },
    rejectAccountless() {
      tx.aborted = true;
      throw new AccountGone();
    },
    tryLock(key) {
      if (tx.locks.has(key)) return true;
      if (heldLocks.has(key)) return false;
      heldLocks.add(key);
      tx.locks.add(key);
      return true;
    },
  };
}

/** Outside a transaction each statement commits on its own; an advisory lock is released at once. */
export function committedSession(committed: () => Store, heldLocks: Set<string>): Session {
  return {
    store: committed,
    check() {},
    reject(code, message) {
      throw new ApplicationError(code, message);
    },
    rejectAccountless() {
      throw new AccountGone();
    },
    tryLock: (key) => !heldLocks.has(key),
  };
}

/** Callers get copies, so that changing a returned object never changes the store. */
export const copy = <T>(value: T): T => structuredClone(value);
