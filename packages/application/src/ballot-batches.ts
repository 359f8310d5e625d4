import { DomainError, LotteryId } from '@fairdraw/domain';
import { type BallotTurn, OpenTurn, type TurnRequest } from './ballot-turn.js';
import type { Repositories, UnitOfWork } from './ports/repositories.js';
import { StoreUnavailable } from './ports/store-unavailable.js';
import { noTelemetry, type Telemetry } from './ports/telemetry.js';
import { sealClosedLottery } from './seal-entries.js';

export type { BallotTurn, TurnRequest } from './ballot-turn.js';

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

interface Waiting extends TurnRequest {
  readonly work: (turn: BallotTurn) => Promise<unknown>;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
  /** Ends the request's queue-wait timer; called once, when its turn begins. */
  readonly waited: () => void;
}

type Outcome = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: unknown };

export interface BatchOptions {
  /** Tickets one transaction may issue (default 5,000); a request asking for more runs alone. */
  readonly maxTickets?: number;
  /** A sold-out pool whose sealing failed is sealed by its draw instead; this hears of it. */
  readonly onSealError?: (error: unknown) => void;
  /** Hears of committed turns (their size and tickets), queue waits and seals. */
  readonly telemetry?: Telemetry | undefined;
}

/**
 * Group commit for ballots. Every ballot takes its lottery's row lock (closes and the pool's
 * order depend on it), so ballots of one lottery cannot run side by side; instead the requests
 * that arrive while one transaction holds the lock wait here, and the next transaction serves
 * all of them: one lock, one insert and one commit for the batch instead of one per request.
 *
 * Each request stays all or nothing. A request refused by a rule (a DomainError) before it took
 * any ticket is answered with its error and the rest of the batch goes on: the rules are checked
 * before anything is written. Anything else that fails the transaction (a constraint, a
 * refusal after tickets were taken) runs every request of that batch again in a
 * transaction of its own, so that one bad request cannot fail its neighbours, and no request is
 * answered before its transaction commits. A store that cannot be reached (StoreUnavailable)
 * fails the whole batch at once: each request is answered 503, none was applied, except when
 * it was the COMMIT that failed, whose outcome is unknown (the client's retry with its
 * Idempotency-Key then finds the stored response, or applies it once).
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

  private readonly telemetry: Telemetry;

  constructor(
    private readonly uow: UnitOfWork,
    private readonly options: BatchOptions = {},
  ) {
    this.telemetry = options.telemetry ?? noTelemetry;
  }

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
      const waited = this.telemetry.startTimer('queue_wait');
      const waiting: Waiting = { ...request, work, resolve: resolve as (value: unknown) => void, reject, waited };
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
    while (queue.length > 0) {
      const batch = this.nextBatch(queue);
      for (const waiting of batch) waiting.waited();
      await this.serve(lotteryId, batch);
    }
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
    let issued: number;
    // Set once the turn's work is done: a failure after it is the COMMIT's, whose outcome is
    // unknown (the server may have applied it), so the requests must not be run again.
    let committing = false;
    try {
      ({ outcomes, soldOut, issued } = await this.uow.run(async (repos) => {
        const result = await this.turn(repos, lotteryId, batch, checkAccounts);
        committing = true;
        return result;
      }));
    } catch (error) {
      // An unreachable store fails every request alike (503, retry later); running them one by
      // one would only knock on a closed door once per request. Nothing was acknowledged.
      if (batch.length === 1 || committing || error instanceof StoreUnavailable) {
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
    this.telemetry.turnServed(batch.length, issued);
    this.telemetry.ballotsIssued(issued);
    batch.forEach((waiting, i) => {
      const outcome = outcomes[i];
      if (outcome?.ok) waiting.resolve(outcome.value);
      else waiting.reject(outcome?.error);
    });
    if (soldOut) {
      this.telemetry.lotteryClosed('sold_out');
      void this.sealSoldOut(lotteryId);
    }
  }

  /** One transaction's work: every request of the batch in order, then the turn's writes. */
  private async turn(
    repos: Repositories,
    lotteryId: LotteryId,
    batch: readonly Waiting[],
    checkAccounts: boolean,
  ): Promise<{ outcomes: Outcome[]; soldOut: boolean; issued: number }> {
    const turn = new OpenTurn(repos, await repos.lotteries.lock(lotteryId));
    await turn.readAhead(batch, { checkAccounts });
    const issuedAtStart = turn.issued();
    const outcomes: Outcome[] = [];
    for (const waiting of batch) {
      const issuedBefore = turn.issued();
      try {
        outcomes.push({ ok: true, value: await waiting.work(turn) });
      } catch (error) {
        // A refusal leaves nothing behind only when it came before its request issued
        // anything; otherwise (or when it is alone) the transaction must roll back.
        if (!(error instanceof DomainError) || batch.length === 1 || turn.issued() !== issuedBefore) throw error;
        outcomes.push({ ok: false, error });
      }
    }
    return { outcomes, soldOut: await turn.end('later'), issued: turn.issued() - issuedAtStart };
  }

  sealSoldOut(asked: LotteryId): Promise<void> {
    const lotteryId = LotteryId(asked.toLowerCase());
    const under = this.seals.get(lotteryId);
    if (under !== undefined) return under;
    const attempt = sealClosedLottery(this.uow, lotteryId, this.telemetry).then(
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
