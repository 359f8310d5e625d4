import { DomainError, fail, type Lottery, LotteryId, type ParticipantId } from '@fairdraw/domain';
import type { Ballot, IdempotencyKey, Repositories, UnitOfWork } from './ports/repositories.js';
import type { IdempotencyStore } from './run-idempotent.js';
import { sealClosedLottery, sealEntries } from './seal-entries.js';
import { TurnIdempotency } from './turn-idempotency.js';

/** One transaction's hold on a lottery, as the requests served in it see it. */
export interface BallotTurn {
  readonly repos: Repositories;
  /** Locked until the transaction ends; LOTTERY_NOT_FOUND when there is none. */
  readonly lottery: Lottery;
  /** Tickets the participant holds in the lottery, this turn's included (for per_participant_limit). */
  entriesOf(participantId: ParticipantId): Promise<number>;
  /** Tickets taken from the address, this turn's included (for per_ip_limit). */
  entriesFrom(ipHash: string): Promise<number>;
  /** Ballots issued by a request, written when the turn ends. */
  stage(ballots: readonly Ballot[]): void;
  /**
   * UNAUTHORIZED for a participant whose account is gone (a token outlived it). Such a ballot
   * makes the turn's INSERT fail; the turn then runs again with the accounts checked at its
   * start, so that it fails alone (one extra transaction, not one per neighbour).
   */
  requireAccount(participantId: ParticipantId | null): void;
  /** The turn's Idempotency-Keys, read at its start and saved at its end (turn-idempotency.ts). */
  readonly idempotency: IdempotencyStore;
}

/** What a request asks of its turn before it runs. */
export interface TurnRequest {
  /** Tickets it asks for, to size turns. */
  readonly tickets: number;
  readonly idempotencyKey?: IdempotencyKey | undefined;
  /** Who takes the tickets, so that a limited lottery's counts are read once for the turn. */
  readonly entrant?: Entrant | undefined;
}

interface Entrant {
  readonly participantId: ParticipantId | null;
  readonly ipHash: string | null;
}

const holderOf = {
  participant: (id: ParticipantId) => `participant:${id}`,
  address: (ipHash: string) => `ip:${ipHash}`,
};

/** Where ballots of one lottery wait for their turn; `Deps` holds one per process. */
export interface BallotQueue {
  /** Runs `work` in the next turn on the lottery; it must do its writes through the turn. */
  submit<T>(lotteryId: LotteryId, request: TurnRequest, work: (turn: BallotTurn) => Promise<T>): Promise<T>;
  /** Resolves once every waiting request is answered and every sold-out pool is sealed. */
  idle(): Promise<void>;
  /**
   * Freezes the entries of a lottery that sold out and is not sealed yet. Callers in this
   * process share one attempt, and wait for it without holding a connection; it resolves when
   * the attempt ends, sealed or not (a failure goes to `onSealError`; the draw seals first).
   */
  sealSoldOut(lotteryId: LotteryId): Promise<void>;
}

class OpenTurn implements BallotTurn {
  private readonly staged: Ballot[] = [];
  /** Staged tickets by holder, so that a limit check costs O(1) however large the turn. */
  private readonly stagedBy = new Map<string, number>();
  /** Stored entry counts by holder, read once per turn. */
  private readonly counted = new Map<string, number>();
  /** Participants of the turn's requests that have no account. */
  private readonly accountless = new Set<ParticipantId>();
  readonly idempotency: TurnIdempotency;

  constructor(
    readonly repos: Repositories,
    private readonly found: Lottery | null,
  ) {
    this.idempotency = new TurnIdempotency(repos.idempotency);
  }

  get lottery(): Lottery {
    return this.found ?? fail('LOTTERY_NOT_FOUND', 'no such lottery');
  }

  entriesOf(participantId: ParticipantId): Promise<number> {
    return this.entries(holderOf.participant(participantId));
  }

  entriesFrom(ipHash: string): Promise<number> {
    return this.entries(holderOf.address(ipHash));
  }

  private async entries(holder: string): Promise<number> {
    const stored = this.counted.get(holder) ?? (await this.repos.entryCounts.read(this.lottery.id, [holder]))[0] ?? 0;
    this.counted.set(holder, stored);
    return stored + (this.stagedBy.get(holder) ?? 0);
  }

  /** Reads, in one round trip, the counts that the turn's requests will check. */
  async prefetchCounts(entrants: readonly Entrant[]): Promise<void> {
    const holders = new Set<string>();
    for (const { participantId, ipHash } of entrants) {
      if (participantId !== null) holders.add(holderOf.participant(participantId));
      if (ipHash !== null) holders.add(holderOf.address(ipHash));
    }
    const wanted = [...holders].filter((h) => this.limits(h) && !this.counted.has(h));
    if (this.found === null || wanted.length === 0) return;
    const counts = await this.repos.entryCounts.read(this.found.id, wanted);
    for (const [i, holder] of wanted.entries()) this.counted.set(holder, counts[i] ?? 0);
  }

  /** Finds, in one round trip, the turn's participants whose account is gone. */
  async checkAccounts(entrants: readonly Entrant[]): Promise<void> {
    const ids = [...new Set(entrants.flatMap((e) => (e.participantId === null ? [] : [e.participantId])))];
    if (ids.length === 0) return;
    const existing = await this.repos.participants.existing(ids);
    for (const id of ids) if (!existing.has(id)) this.accountless.add(id);
  }

  requireAccount(participantId: ParticipantId | null): void {
    if (participantId !== null && this.accountless.has(participantId)) fail('UNAUTHORIZED', 'no account has this token');
  }

  /** Whether this lottery limits the holder's kind, and so keeps a counter for it. */
  private limits(holder: string): boolean {
    const { perParticipantLimit, perIpLimit } = this.lottery.toState().entry;
    return holder.startsWith('participant:') ? perParticipantLimit !== null : perIpLimit !== null;
  }

  stage(ballots: readonly Ballot[]): void {
    this.staged.push(...ballots);
    for (const { participantId, ipHash } of ballots) {
      if (participantId !== null) this.bump(holderOf.participant(participantId));
      if (ipHash !== null) this.bump(holderOf.address(ipHash));
    }
  }

  private bump(holder: string): void {
    this.stagedBy.set(holder, (this.stagedBy.get(holder) ?? 0) + 1);
  }

  /** Tickets issued so far, staged ones included: it moves as soon as a request takes any. */
  issued(): number {
    return this.found?.toState().ticketsIssued ?? 0;
  }

  /**
   * Writes what the turn's requests issued. True when they sold the pool out: the lottery closed
   * and its entries still need freezing, here (`seal: 'now'`) or by the caller after the commit.
   */
  async end(seal: 'now' | 'later'): Promise<boolean> {
    await this.idempotency.flush();
    const lottery = this.found;
    if (lottery === null || this.staged.length === 0) return false;
    await this.repos.ballots.addMany(this.staged);
    const added = new Map([...this.stagedBy].filter(([holder]) => this.limits(holder)));
    if (added.size > 0) await this.repos.entryCounts.add(lottery.id, added);
    const soldOut = lottery.toState().status === 'closed';
    if (soldOut && seal === 'now') await sealEntries(this.repos, lottery);
    await this.repos.lotteries.save(lottery);
    return soldOut && seal === 'later';
  }
}

interface Waiting extends TurnRequest {
  readonly work: (turn: BallotTurn) => Promise<unknown>;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

type Outcome = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: unknown };

export interface BatchOptions {
  /** Tickets one transaction may issue (default 5,000); a request asking for more runs alone. */
  readonly maxTickets?: number;
  /** A sold-out pool whose sealing failed is sealed by its draw instead; this hears of it. */
  readonly onSealError?: (error: unknown) => void;
}

/**
 * Group commit for ballots. Every ballot takes its lottery's row lock (closes and the pool's
 * order depend on it), so ballots of one lottery cannot run side by side; instead the requests
 * that arrive while one transaction holds the lock wait here, and the next transaction serves
 * all of them: one lock, one insert and one commit for the batch instead of one per request.
 *
 * Each request stays all or nothing. A request refused by a rule (a DomainError) before it took
 * any ticket is answered with its error and the rest of the batch goes on: the rules are checked
 * before anything is written. Anything else that fails the transaction (a constraint, a lost
 * connection, a refusal after tickets were taken) runs every request of that batch again in a
 * transaction of its own, so that one bad request cannot fail its neighbours, and no request is
 * answered before its transaction commits.
 *
 * The request that sells a pool out is answered at the commit; its entries are frozen right
 * after, in a transaction of their own (streaming 10^6 entries takes seconds, and every request
 * of the turn would wait for it). Whoever reads its draw record meanwhile waits for that seal
 * (get-draw.ts), and a draw seals it first if that transaction never ran.
 *
 * Batches form per process; several API processes simply take turns on the lock.
 */
export class BallotBatches implements BallotQueue {
  private readonly queues = new Map<LotteryId, Waiting[]>();
  /** Drains and seals under way, for idle(). */
  private readonly running = new Set<Promise<void>>();
  /** The seal attempt under way per lottery, shared by everyone who asks meanwhile. */
  private readonly seals = new Map<LotteryId, Promise<void>>();

  constructor(
    private readonly uow: UnitOfWork,
    private readonly options: BatchOptions = {},
  ) {}

  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }

  submit<T>(asked: LotteryId, request: TurnRequest, work: (turn: BallotTurn) => Promise<T>): Promise<T> {
    // One queue per lottery however its id is spelled (uuids are case-insensitive).
    const lotteryId = LotteryId(asked.toLowerCase());
    // Called inside a caller's transaction, the ballots must commit or roll back with it: a turn
    // of its own there, never a queue (whose transaction would commit apart from the caller's).
    if (this.uow.isOpen()) return this.uow.run((repos) => this.turnAlone(repos, lotteryId, work));
    return new Promise<T>((resolve, reject) => {
      const waiting: Waiting = { ...request, work, resolve: resolve as (value: unknown) => void, reject };
      const queue = this.queues.get(lotteryId);
      if (queue !== undefined) {
        queue.push(waiting);
        return;
      }
      this.queues.set(lotteryId, [waiting]);
      this.track(this.drain(lotteryId));
    });
  }

  private async turnAlone<T>(repos: Repositories, lotteryId: LotteryId, work: (turn: BallotTurn) => Promise<T>): Promise<T> {
    const turn = new OpenTurn(repos, await repos.lotteries.lock(lotteryId));
    const value = await work(turn);
    // The caller's transaction is still open: the seal joins it, as a close's does.
    await turn.end('now');
    return value;
  }

  private async drain(lotteryId: LotteryId): Promise<void> {
    const queue = this.queues.get(lotteryId) ?? [];
    while (queue.length > 0) await this.serve(lotteryId, this.nextBatch(queue));
    this.queues.delete(lotteryId);
  }

  private nextBatch(queue: Waiting[]): Waiting[] {
    const maxTickets = this.options.maxTickets ?? 5000;
    // Every request weighs at least one ticket, so a turn never grows without bound.
    const weight = (w: Waiting | undefined) => Math.max(1, w?.tickets ?? 1);
    let tickets = weight(queue[0]);
    let size = 1;
    while (size < queue.length && tickets + weight(queue[size]) <= maxTickets) {
      tickets += weight(queue[size]);
      size += 1;
    }
    return queue.splice(0, size);
  }

  private async serve(lotteryId: LotteryId, batch: readonly Waiting[], checkAccounts = false): Promise<void> {
    let outcomes: Outcome[];
    let soldOut: boolean;
    // Set once the turn's work is done: a failure after it is the COMMIT's, whose outcome is
    // unknown (the server may have applied it), so the requests must not be run again.
    let committing = false;
    try {
      ({ outcomes, soldOut } = await this.uow.run(async (repos) => {
        const locked = await repos.lotteries.lock(lotteryId);
        const lotteryFound = locked !== null;
        const turn = new OpenTurn(repos, locked);
        await turn.idempotency.prefetch(batch.flatMap((w) => (w.idempotencyKey ? [w.idempotencyKey] : [])));
        const entrants = batch.flatMap((w) => (w.entrant ? [w.entrant] : []));
        if (lotteryFound) await turn.prefetchCounts(entrants);
        if (lotteryFound && checkAccounts) await turn.checkAccounts(entrants);
        const done: Outcome[] = [];
        for (const waiting of batch) {
          const issuedBefore = turn.issued();
          try {
            done.push({ ok: true, value: await waiting.work(turn) });
          } catch (error) {
            // A refusal leaves nothing behind only when it came before its request issued
            // anything; otherwise (or when it is alone) the transaction must roll back.
            if (!(error instanceof DomainError) || batch.length === 1 || turn.issued() !== issuedBefore) throw error;
            done.push({ ok: false, error });
          }
        }
        const result = { outcomes: done, soldOut: await turn.end('later') };
        committing = true;
        return result;
      }));
    } catch (error) {
      if (batch.length === 1 || committing) {
        for (const waiting of batch) waiting.reject(error);
        return;
      }
      // The ballots' foreign key refused a participant whose account is gone (a token outlived
      // it): run the turn again once, checking accounts first, so that only that request fails.
      if (!checkAccounts && error instanceof DomainError && error.code === 'UNAUTHORIZED') {
        await this.serve(lotteryId, batch, true);
        return;
      }
      for (const waiting of batch) await this.serve(lotteryId, [waiting]);
      return;
    }
    batch.forEach((waiting, i) => {
      const outcome = outcomes[i];
      if (outcome?.ok) waiting.resolve(outcome.value);
      else waiting.reject(outcome?.error);
    });
    if (soldOut) void this.sealSoldOut(lotteryId);
  }

  sealSoldOut(asked: LotteryId): Promise<void> {
    const lotteryId = LotteryId(asked.toLowerCase());
    const under = this.seals.get(lotteryId);
    if (under !== undefined) return under;
    const attempt = sealClosedLottery(this.uow, lotteryId).then(
      () => undefined,
      (error: unknown) => this.options.onSealError?.(error),
    );
    const settled = attempt.finally(() => this.seals.delete(lotteryId));
    this.seals.set(lotteryId, settled);
    this.track(settled);
    return settled;
  }

  private track(work: Promise<void>): void {
    this.running.add(work);
    const done = () => void this.running.delete(work);
    work.then(done, done);
  }
}
