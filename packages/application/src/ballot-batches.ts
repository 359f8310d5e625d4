import { LotteryId, type ParticipantId } from '@fairdraw/domain';
import { AccountGone } from './ports/account-gone.js';
import type { BallotAnswer, BallotQueue, BallotRequest } from './ports/ballot-queue.js';
import type { UnitOfWork } from './ports/repositories.js';
import { StoreUnavailable } from './ports/store-unavailable.js';
import { noTelemetry, type Telemetry } from './ports/telemetry.js';
import type { Seals } from './seal-coordinator.js';
import { type ServedTurn, serveBallotTurn, type TurnContext, type TurnOptions } from './serve-ballot-turn.js';

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
  /** Transactions of ballot turns this process runs at once (default 2; docs/benchmarks.md, issue 15 item 5). */
  readonly maxTurns?: number | undefined;
  /** Hears of committed turns (their size and tickets), queue waits and sell-outs. */
  readonly telemetry?: Telemetry | undefined;
}

/** Lotteries one turn serves at most, so that its statements stay small. */
const MAX_LOTTERIES_PER_TURN = 100;

/** One lottery's requests taken into a turn. */
interface Part {
  readonly lotteryId: LotteryId;
  readonly batch: readonly Waiting[];
}

/** A turn that failed: inside its work (rolled back), or in the transaction itself (BEGIN, COMMIT). */
type Failure = { readonly error: unknown; readonly inWork: boolean };

/**
 * What runs again after a failed turn: nothing, the same turn with accounts checked, each
 * lottery's part as a turn of its own, or each request alone.
 */
type Retry = 'none' | 'check-accounts' | 'lottery-by-lottery' | 'one-by-one';

/**
 * The retry policy. An unreachable store fails every request alike (503, retry later); running
 * them one by one would only knock on a closed door once per request. A failure outside the
 * work may be the COMMIT's, whose outcome is unknown (the server may have applied it): never run
 * again (the client's retry with its Idempotency-Key finds the stored response, or applies it
 * once). A turn of several lotteries that failed otherwise runs each lottery's part as a turn
 * of its own, which this policy then judges alone. A participant whose account is gone fails
 * the turn's INSERT: run it once more with the accounts checked first, so that only that
 * request fails. Anything else (a constraint, a refusal after tickets were taken) runs each
 * request in a turn of its own, so that one bad request cannot fail its neighbours.
 */
function retryOf(parts: readonly Part[], checkedAccounts: boolean, failure: Failure): Retry {
  const size = parts.reduce((n, p) => n + p.batch.length, 0);
  if (size === 1 || !failure.inWork || failure.error instanceof StoreUnavailable) return 'none';
  if (parts.length > 1) return 'lottery-by-lottery';
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
 * of one per request. One turn also serves the waiting requests of other lotteries (up to its
 * ticket cap), so a load spread over many lotteries, a request or two each, costs as few
 * transactions as a crowd on one; at most `maxTurns` run at once, each lottery in one at a
 * time. This module is batching and the retry policy (retryOf) only; no request is answered
 * before its transaction commits. The request that sells a pool out is answered at the
 * commit; its entries are frozen right after (seal-coordinator.ts).
 *
 * Batches form per process; several API processes simply take turns on the locks.
 */
export class BallotBatches implements BallotQueue {
  /** Lotteries with requests waiting, in the order their first one arrived. */
  private readonly queues = new Map<LotteryId, Waiting[]>();
  /** Lotteries in a turn under way: their next requests wait for the one after. */
  private readonly serving = new Set<LotteryId>();
  /** Turns under way, for idle(). */
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
      if (queue === undefined) this.queues.set(lotteryId, [waiting]);
      else queue.push(waiting);
      this.startTurns();
    });
  }

  /** Starts turns while there is room for one and a lottery not in a turn has requests waiting. */
  private startTurns(): void {
    const maxTurns = this.options.maxTurns ?? 2;
    while (this.running.size < maxTurns) {
      const parts = this.nextTurn();
      if (parts.length === 0) return;
      for (const { lotteryId, batch } of parts) {
        this.serving.add(lotteryId);
        for (const waiting of batch) waiting.waited();
      }
      const turn: Promise<void> = this.serve(parts).finally(() => {
        for (const { lotteryId } of parts) this.serving.delete(lotteryId);
        this.running.delete(turn);
        this.startTurns();
      });
      this.running.add(turn);
    }
  }

  /** The next turn: lotteries not in one, oldest waiting first, as many requests as its cap takes. */
  private nextTurn(): Part[] {
    const maxTickets = this.options.maxTickets ?? 5000;
    // Every request weighs at least one ticket, so a turn never grows without bound.
    const weight = (w: Waiting | undefined) => Math.max(1, w?.request.count ?? 1);
    const parts: Part[] = [];
    let tickets = 0;
    for (const [lotteryId, queue] of this.queues) {
      if (this.serving.has(lotteryId)) continue;
      // The turn's first request is taken whatever it weighs: one above the cap runs alone.
      let size = 0;
      while (size < queue.length && (tickets === 0 || tickets + weight(queue[size]) <= maxTickets)) {
        tickets += weight(queue[size]);
        size += 1;
      }
      if (size === 0) break;
      parts.push({ lotteryId, batch: queue.splice(0, size) });
      if (queue.length === 0) this.queues.delete(lotteryId);
      if (tickets >= maxTickets || parts.length >= MAX_LOTTERIES_PER_TURN) break;
    }
    return parts;
  }

  /** Runs the parts as one turn and, as the retry policy says, their requests again until each is answered. */
  private async serve(parts: readonly Part[]): Promise<void> {
    const turns: { readonly parts: readonly Part[]; readonly checkAccounts: boolean }[] = [{ parts, checkAccounts: false }];
    for (let next = turns.shift(); next !== undefined; next = turns.shift()) {
      const { parts: serving, checkAccounts } = next;
      const result = await this.attempt(serving, checkAccounts);
      if (Array.isArray(result)) {
        this.answer(serving, result);
        continue;
      }
      const retry = retryOf(serving, checkAccounts, result);
      if (retry === 'none') for (const waiting of serving.flatMap((p) => p.batch)) waiting.reject(result.error);
      if (retry === 'check-accounts') turns.unshift({ parts: serving, checkAccounts: true });
      if (retry === 'lottery-by-lottery') turns.unshift(...serving.map((part) => ({ parts: [part], checkAccounts })));
      if (retry === 'one-by-one') {
        turns.unshift(
          ...serving.flatMap(({ lotteryId, batch }) => batch.map((w) => ({ parts: [{ lotteryId, batch: [w] }], checkAccounts }))),
        );
      }
    }
  }

  private async attempt(parts: readonly Part[], checkAccounts: boolean): Promise<ServedTurn[] | Failure> {
    const batches = parts.map((p) => ({ lotteryId: p.lotteryId, requests: p.batch.map((w) => w.request) }));
    const walletsRead = this.readWallets(batches);
    try {
      return await this.uow.run(async (repos) => {
        try {
          return await serveBallotTurn(repos, batches, this.context, { checkAccounts, walletsRead });
        } catch (error) {
          throw new InWork(error);
        }
      });
    } catch (error) {
      return error instanceof InWork ? { error: error.error, inWork: true } : { error, inWork: false };
    }
  }

  /**
   * The participants' wallets, read on another connection while the turn begins and locks:
   * a free lottery only answers the balance, which no lock makes truer. A priced lottery
   * locks its wallets inside the turn whatever this read.
   */
  private readWallets(batches: readonly { readonly requests: readonly BallotRequest[] }[]): TurnOptions['walletsRead'] {
    const ids = new Set<ParticipantId>();
    for (const { requests } of batches) {
      for (const { player } of requests) if (!player.isAdmin && player.participantId !== null) ids.add(player.participantId);
    }
    if (ids.size === 0) return undefined;
    const read = this.uow.reads.wallets.find([...ids]);
    // A turn that fails before it needs the read must not leave its failure unhandled.
    read.catch(() => {});
    return read;
  }

  private answer(parts: readonly Part[], served: readonly ServedTurn[]): void {
    const issued = served.reduce((n, s) => n + s.issued, 0);
    this.telemetry.turnServed(
      parts.reduce((n, p) => n + p.batch.length, 0),
      issued,
    );
    this.telemetry.ballotsIssued(issued);
    parts.forEach(({ lotteryId, batch }, i) => {
      const turn = served[i];
      batch.forEach((waiting, j) => {
        const outcome = turn?.outcomes[j];
        if (outcome?.ok) waiting.resolve(outcome.answer);
        else waiting.reject(outcome?.error);
      });
      if (turn?.soldOut) {
        this.telemetry.lotteryClosed('sold_out');
        void this.seals.afterClose(lotteryId);
      }
    });
  }
}
