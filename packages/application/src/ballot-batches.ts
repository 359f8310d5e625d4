import { LotteryId } from '@fairdraw/domain';
import { AccountGone } from './ports/account-gone.js';
import type { BallotAnswer, BallotQueue, BallotRequest } from './ports/ballot-queue.js';
import type { UnitOfWork } from './ports/repositories.js';
import { StoreUnavailable } from './ports/store-unavailable.js';
import { noTelemetry, type Telemetry } from './ports/telemetry.js';
import type { Seals } from './seal-coordinator.js';
import { type ServedTurn, serveBallotTurn, type TurnContext } from './serve-ballot-turn.js';

interface Waiting {
  readonly request: BallotRequest;
  readonly resolve: (answer: BallotAnswer) => void;
  readonly reject: (error: unknown) => void;
  /** Ends the request's queue-wait timer; called once, when its turn begins. */
  readonly waited: () => void;
}

export interface BatchOptions {
  /** Tickets one transaction may issue (default 5,000); a request asking for more runs alone. */
  readonly maxTickets?: number | undefined;
  /** Hears of committed turns (their size and tickets), queue waits and sell-outs. */
  readonly telemetry?: Telemetry | undefined;
}

/** A turn that failed: inside its work (rolled back), or in the transaction itself (BEGIN, COMMIT). */
type Failure = { readonly error: unknown; readonly inWork: boolean };

/** What runs again after a failed turn: nothing, the same turn with accounts checked, or each request alone. */
type Retry = 'none' | 'check-accounts' | 'one-by-one';

/**
 * The retry policy. An unreachable store fails every request alike (503, retry later); running
 * them one by one would only knock on a closed door once per request. A failure outside the
 * work may be the COMMIT's, whose outcome is unknown (the server may have applied it): never run
 * again (the client's retry with its Idempotency-Key finds the stored response, or applies it
 * once). A participant whose account is gone fails the turn's INSERT: run it once more with the
 * accounts checked first, so that only that request fails. Anything else (a constraint, a
 * refusal after tickets were taken) runs each request in a turn of its own, so that one bad
 * request cannot fail its neighbours.
 */
function retryOf(size: number, checkedAccounts: boolean, failure: Failure): Retry {
  if (size === 1 || !failure.inWork || failure.error instanceof StoreUnavailable) return 'none';
  if (!checkedAccounts && failure.error instanceof AccountGone) return 'check-accounts';
  return 'one-by-one';
}

/** An error from inside a turn's work, so that one from the transaction around it is told apart. */
class InWork {
  constructor(readonly error: unknown) {}
}

/**
 * Group commit for ballots. Every ballot takes its lottery's row lock (closes and the pool's
 * order depend on it), so ballots of one lottery cannot run side by side; instead the requests
 * that arrive while one transaction holds the lock wait here, and the next transaction serves
 * all of them (serve-ballot-turn.ts): one lock, one insert and one commit for the batch instead
 * of one per request. This module is batching and the retry policy (retryOf) only; no request is
 * answered before its transaction commits. The request that sells a pool out is answered at the
 * commit; its entries are frozen right after (seal-coordinator.ts).
 *
 * Batches form per process; several API processes simply take turns on the lock.
 */
export class BallotBatches implements BallotQueue {
  private readonly queues = new Map<LotteryId, Waiting[]>();
  /** Drains under way, for idle(). */
  private readonly running = new Set<Promise<void>>();
  private readonly telemetry: Telemetry;

  constructor(
    private readonly uow: UnitOfWork,
    private readonly context: TurnContext,
    private readonly seals: Seals,
    private readonly options: BatchOptions = {},
  ) {
    this.telemetry = options.telemetry ?? noTelemetry;
  }

  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
    await this.seals.idle();
  }

  submit(request: BallotRequest): Promise<BallotAnswer> {
    // One queue per lottery however its id is spelled (uuids are case-insensitive).
    const lotteryId = LotteryId(request.lotteryId.toLowerCase());
    return new Promise<BallotAnswer>((resolve, reject) => {
      const waiting: Waiting = { request, resolve, reject, waited: this.telemetry.startTimer('queue_wait') };
      const queue = this.queues.get(lotteryId);
      if (queue !== undefined) {
        queue.push(waiting);
        return;
      }
      this.queues.set(lotteryId, [waiting]);
      this.track(this.drain(lotteryId));
    });
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
    const weight = (w: Waiting | undefined) => Math.max(1, w?.request.count ?? 1);
    let tickets = weight(queue[0]);
    let size = 1;
    while (size < queue.length && tickets + weight(queue[size]) <= maxTickets) {
      tickets += weight(queue[size]);
      size += 1;
    }
    return queue.splice(0, size);
  }

  /** Runs the batch as one turn and, as the retry policy says, its requests again until each is answered. */
  private async serve(lotteryId: LotteryId, batch: readonly Waiting[]): Promise<void> {
    const turns: { readonly batch: readonly Waiting[]; readonly checkAccounts: boolean }[] = [{ batch, checkAccounts: false }];
    for (let next = turns.shift(); next !== undefined; next = turns.shift()) {
      const { batch: requests, checkAccounts } = next;
      const result = await this.attempt(lotteryId, requests, checkAccounts);
      if ('outcomes' in result) {
        this.answer(lotteryId, requests, result);
        continue;
      }
      const retry = retryOf(requests.length, checkAccounts, result);
      if (retry === 'none') for (const waiting of requests) waiting.reject(result.error);
      if (retry === 'check-accounts') turns.unshift({ batch: requests, checkAccounts: true });
      if (retry === 'one-by-one') turns.unshift(...requests.map((w) => ({ batch: [w], checkAccounts })));
    }
  }

  private async attempt(lotteryId: LotteryId, batch: readonly Waiting[], checkAccounts: boolean): Promise<ServedTurn | Failure> {
    const requests = batch.map((w) => w.request);
    try {
      return await this.uow.run(async (repos) => {
        try {
          return await serveBallotTurn(repos, lotteryId, requests, this.context, { checkAccounts });
        } catch (error) {
          throw new InWork(error);
        }
      });
    } catch (error) {
      return error instanceof InWork ? { error: error.error, inWork: true } : { error, inWork: false };
    }
  }

  private answer(lotteryId: LotteryId, batch: readonly Waiting[], served: ServedTurn): void {
    this.telemetry.turnServed(batch.length, served.issued);
    this.telemetry.ballotsIssued(served.issued);
    batch.forEach((waiting, i) => {
      const outcome = served.outcomes[i];
      if (outcome?.ok) waiting.resolve(outcome.answer);
      else waiting.reject(outcome?.error);
    });
    if (served.soldOut) {
      this.telemetry.lotteryClosed('sold_out');
      void this.seals.afterClose(lotteryId);
    }
  }

  private track(work: Promise<void>): void {
    this.running.add(work);
    const done = () => void this.running.delete(work);
    work.then(done, done);
  }
}
