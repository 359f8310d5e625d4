import type {
  Algorithm,
  BallotId,
  LedgerEntry,
  LedgerTotals,
  Lottery,
  LotteryId,
  LotteryStatus,
  Participant,
  ParticipantId,
  SlotWrite,
  Wallet,
} from '@fairdraw/domain';
import type { HolderKey } from '../holder-key.js';
import type { Page, PageRequest } from './paging.js';
import type { WebhookRepository } from './webhook-store.js';

export type { Page, PageRequest } from './paging.js';

export interface ParticipantRepository {
  /** Rejects a taken name or email with USERNAME_TAKEN / EMAIL_TAKEN (enforced by the store). */
  add(participant: Participant): Promise<void>;
  findById(id: ParticipantId): Promise<Participant | null>;
  /** By username (ignoring case) or by email. */
  findByLogin(login: string): Promise<Participant | null>;
  countAdmins(): Promise<number>;
  /** Which of these ids have an account (a token can outlive its account). */
  existing(ids: readonly ParticipantId[]): Promise<Set<ParticipantId>>;
}

export interface RefreshToken {
  readonly tokenHash: string;
  readonly familyId: string;
  readonly participantId: ParticipantId;
  readonly expiresAt: Date;
  readonly spentAt: Date | null;
  readonly revokedAt: Date | null;
}

export interface RefreshTokenRepository {
  add(token: RefreshToken): Promise<void>;
  findByHash(tokenHash: string): Promise<RefreshToken | null>;
  /** Marks an unspent, unrevoked token spent; false when another request got there first. */
  spend(tokenHash: string, at: Date): Promise<boolean>;
  revokeFamily(familyId: string, at: Date): Promise<void>;
}

export interface LotteryFilter {
  /** By the status clients see at `asOf`: a lottery past its closing instant counts as closed. */
  readonly status?: LotteryStatus | undefined;
  readonly asOf?: Date | undefined;
  readonly closesFrom?: string | undefined;
  readonly closesTo?: string | undefined;
}

export interface LotteryRepository {
  /** Rejects a second lottery for one closes_on with CLOSING_DATE_TAKEN (enforced by the store). */
  add(lottery: Lottery): Promise<void>;
  findById(id: LotteryId): Promise<Lottery | null>;
  /** The stored lotteries among these ids, in one read (for a page of draws); unknown ids are absent. */
  findByIds(ids: readonly LotteryId[]): Promise<Map<LotteryId, Lottery>>;
  /** Reads and locks the lottery until the unit of work ends, so closes and ballots serialise. */
  lock(id: LotteryId): Promise<Lottery | null>;
  /**
   * The same for several lotteries in one read, locked in id order (so that turns locking
   * overlapping sets never wait on each other in a cycle); unknown ids are absent.
   */
  lockMany(ids: readonly LotteryId[]): Promise<Map<LotteryId, Lottery>>;
  findByClosingDate(date: string): Promise<Lottery | null>;
  save(lottery: Lottery): Promise<void>;
  /**
   * Saves what a lottery's life changes after its creation (status, tickets issued, close, seal,
   * beacon round, draw) for several lotteries in one write; what creation fixed stays as stored.
   */
  saveMany(lotteries: readonly Lottery[]): Promise<void>;
  list(filter: LotteryFilter, page: PageRequest): Promise<Page<Lottery>>;
  /**
   * Lotteries not yet drawn whose closing instant is at or before `at`, closed or not. One
   * without a closing instant (closed by an admin or by selling out) waits for an admin's draw.
   */
  findUndrawnDue(at: Date): Promise<LotteryId[]>;
  /** Dates in [from, to] that already have a lottery. */
  closingDatesBetween(from: string, to: string): Promise<string[]>;
}

export interface Ballot {
  readonly id: BallotId;
  readonly lotteryId: LotteryId;
  readonly ticketNumber: number;
  readonly participantId: ParticipantId | null;
  readonly ipHash: string | null;
  readonly codeHash: string;
  readonly createdAt: Date;
}

export interface BallotWithOwner extends Ballot {
  readonly username: string | null;
}

export interface BallotRepository {
  /** Rejects a taken ticket with TICKET_TAKEN and an unknown participant with UNAUTHORIZED. */
  addMany(ballots: readonly Ballot[]): Promise<void>;
  findByTicket(lotteryId: LotteryId, ticketNumber: number): Promise<Ballot | null>;
  /** Ascending ticket number; the newest page first is not wanted here: entries have one order. */
  listByLottery(lotteryId: LotteryId, page: PageRequest): Promise<Page<BallotWithOwner>>;
  /** Newest first. */
  listByParticipant(participantId: ParticipantId, lotteryId: LotteryId | null, page: PageRequest): Promise<Page<Ballot>>;
  /**
   * The canonical entries text (`entryLine` per ballot, ascending ticket number) in chunks of
   * whole lines, streamed in constant memory: formatted by the store, so that a close of 10^7
   * entries touches no row in JavaScript.
   */
  entriesText(lotteryId: LotteryId): AsyncIterable<string>;
  /**
   * The ballots at these indices of the ascending entries list of its `n` entries, in the
   * order asked (`n` lets a store whose tickets are exactly 1..n find index i at ticket i + 1).
   */
  atIndices(lotteryId: LotteryId, indices: readonly number[], n: number): Promise<BallotWithOwner[]>;
}

/**
 * Tickets per holder (holder-key.ts) in the lotteries that limit
 * them: a primary-key read inside the lottery lock, where counting the ballots would scan the
 * lottery (docs/benchmarks.md). Kept only for lotteries that have the limit.
 */
export interface EntryCountRepository {
  /** In the order asked; 0 for a holder with no tickets. */
  read(lotteryId: LotteryId, holders: readonly HolderKey[]): Promise<number[]>;
  add(lotteryId: LotteryId, tickets: ReadonlyMap<HolderKey, number>): Promise<void>;
}

/** The stored slots of a finite pool (see domain ticket-pool.ts). */
export interface TicketPoolRepository {
  /**
   * The stored slots at `positions` and those holding `tickets`, in one read: position → ticket.
   * A position or ticket with no row was never moved (see ticket-pool.ts).
   */
  readSlots(lotteryId: LotteryId, positions: readonly number[], tickets?: readonly number[]): Promise<Map<number, number>>;
  write(lotteryId: LotteryId, writes: readonly SlotWrite[]): Promise<void>;
}

export interface DrawWinner {
  readonly rank: number;
  readonly prize: string;
  readonly ticketNumber: number;
  readonly ballotId: BallotId;
  readonly username: string | null;
}

/** The beacon round a fairdraw-v2 draw mixed in, as the record publishes it. */
export interface DrawBeacon {
  readonly chainHash: string;
  readonly round: number;
  readonly signature: string;
  readonly randomness: string;
}

export interface DrawRecord {
  readonly lotteryId: LotteryId;
  readonly drawnAt: Date;
  readonly algorithm: Algorithm;
  readonly commitment: string;
  readonly seed: string;
  readonly entriesDigest: string;
  readonly n: number;
  readonly randomness: string;
  readonly winners: readonly DrawWinner[];
  /** fairdraw-v2 only. */
  readonly beacon?: DrawBeacon | null | undefined;
}

export interface DrawRepository {
  /** Rejects a second draw of one lottery with ALREADY_DRAWN (a unique constraint, not a check). */
  add(draw: DrawRecord): Promise<void>;
  findByLottery(lotteryId: LotteryId): Promise<DrawRecord | null>;
  /** Drawn within [from, to) instants, newest first. */
  listDrawnBetween(from: Date, to: Date, page: PageRequest): Promise<Page<DrawRecord>>;
}

export interface IdempotencyRecord {
  readonly fingerprint: string;
  readonly response: string;
}

export interface IdempotencyKey {
  readonly scope: string;
  readonly key: string;
}

/** A request that must run at most once per (scope, key). */
export interface IdempotencyRequest {
  /** Whose keys these are: a participant, or a guest's address. */
  readonly scope: string;
  readonly key: string;
  /** Identifies the request; the same key with another fingerprint is IDEMPOTENCY_KEY_REUSED. */
  readonly fingerprint: string;
}

/** The response stored for a key, replayed to every retry. */
export interface IdempotentResponse {
  readonly status: number;
  readonly body: string;
}

export interface IdempotencyRepository {
  /** False when another transaction holds the key right now. */
  tryLock(scope: string, key: string): Promise<boolean>;
  find(scope: string, key: string): Promise<IdempotencyRecord | null>;
  save(scope: string, key: string, record: IdempotencyRecord, at: Date): Promise<void>;
  /** The same three for the requests of a ballot turn, a round trip each; answers in order. */
  tryLockMany(keys: readonly IdempotencyKey[]): Promise<boolean[]>;
  findMany(keys: readonly IdempotencyKey[]): Promise<(IdempotencyRecord | null)[]>;
  saveMany(records: readonly (IdempotencyKey & { readonly record: IdempotencyRecord })[], at: Date): Promise<void>;
  /** Forgets the records saved before `before`; returns how many. */
  forgetOlderThan(before: Date): Promise<number>;
}

/** Wallets and their append-only ledger (domain wallet.ts). */
export interface WalletRepository {
  /**
   * Reads and locks these participants' wallets until the unit of work ends: an empty wallet
   * for one never written to. Locks are taken in id order, so that transactions locking several
   * wallets never wait on each other in a cycle.
   */
  lock(ids: readonly ParticipantId[]): Promise<Map<ParticipantId, Wallet>>;
  /** The same without locks, for answers that need no isolation; a wallet never written to may be absent. */
  find(ids: readonly ParticipantId[]): Promise<Map<ParticipantId, Wallet>>;
  /**
   * Appends every wallet's new entries and moves its balance (one statement for all entries, one
   * for all balances). Refuses a wallet whose balance moved since it was read.
   */
  save(wallets: readonly Wallet[]): Promise<void>;
  /** A wallet's entries, newest first. */
  listEntries(participantId: ParticipantId, page: PageRequest): Promise<Page<LedgerEntry>>;
  /** The purchases of a lottery that have not been refunded, oldest first. */
  unrefundedPurchases(lotteryId: LotteryId): Promise<LedgerEntry[]>;
  /** Sums over every wallet, read in one snapshot. */
  totals(): Promise<LedgerTotals>;
}

export interface Repositories {
  readonly participants: ParticipantRepository;
  readonly refreshTokens: RefreshTokenRepository;
  readonly lotteries: LotteryRepository;
  readonly ballots: BallotRepository;
  readonly entryCounts: EntryCountRepository;
  readonly pools: TicketPoolRepository;
  readonly draws: DrawRepository;
  readonly idempotency: IdempotencyRepository;
  readonly wallets: WalletRepository;
  /** Webhooks, the outbox of their events and the deliveries. */
  readonly webhooks: WebhookRepository;
}

/**
 * Runs work in one transaction: all of it is applied or none. A nested run joins the
 * transaction already open in the same async context.
 */
export interface UnitOfWork {
  run<T>(work: (repos: Repositories) => Promise<T>): Promise<T>;
  /** Repositories outside any transaction, for reads that need no isolation (lists, streams). */
  readonly reads: Repositories;
}
