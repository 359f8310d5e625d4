import { type Lottery, LotteryId } from '@fairdraw/domain';
import type { Repositories, UnitOfWork } from './ports/repositories.js';
import { noTelemetry, type Telemetry } from './ports/telemetry.js';
import { sealEntries } from './seal-entries.js';

/**
 * Every way a closed lottery's entries get frozen, in one place. A close or a draw seals inside
 * the transaction that holds the lottery's lock (`withinLock`). A pool that sells out is answered
 * at its turn's commit and sealed right after in a transaction of its own (`afterClose`), since
 * streaming 10^6 entries takes seconds that every request of the turn would wait; the ballot
 * queue starts that, a reader of the draw record waits for it, the worker's close falls back on
 * it, and a draw seals first if it never ran. Callers in this process share one attempt per
 * lottery and wait for it without holding a connection.
 */
export interface SealOptions {
  readonly telemetry?: Telemetry | undefined;
  /** A seal after a sell-out that failed (its draw seals instead) is reported here, once. */
  readonly onSealError?: ((error: unknown) => void) | undefined;
}

/** The coordinator as use cases see it (Deps.seals). */
export type Seals = Pick<SealCoordinator, 'withinLock' | 'afterClose' | 'idle'>;

export class SealCoordinator {
  private readonly attempts = new Map<LotteryId, Promise<void>>();
  private readonly telemetry: Telemetry;

  constructor(
    private readonly uow: UnitOfWork,
    private readonly options: SealOptions = {},
  ) {
    this.telemetry = options.telemetry ?? noTelemetry;
  }

  /** Seals in the caller's transaction, which holds the lottery's lock; nothing when sealed already. */
  withinLock(repos: Repositories, lottery: Lottery): Promise<void> {
    return sealEntries(repos, lottery, this.telemetry);
  }

  /**
   * Seals a lottery that closed without its entries frozen, in a transaction of its own; the
   * attempt under way is shared. Resolves when it ends, sealed or not: a failure goes to
   * `onSealError` (the draw seals first), and rejects only when `rethrow` is asked.
   */
  afterClose(asked: LotteryId, options: { rethrow?: boolean } = {}): Promise<void> {
    const lotteryId = LotteryId(asked.toLowerCase());
    const attempt = this.attempts.get(lotteryId) ?? this.start(lotteryId);
    return options.rethrow ? attempt : attempt.then(settled, settled);
  }

  /** Resolves once no attempt is under way. */
  async idle(): Promise<void> {
    while (this.attempts.size > 0) await Promise.allSettled([...this.attempts.values()]);
  }

  private start(lotteryId: LotteryId): Promise<void> {
    const attempt = this.uow.run(async (repos) => {
      const lottery = await repos.lotteries.lock(lotteryId);
      if (lottery === null || lottery.isSealed || lottery.toState().status !== 'closed') return;
      await sealEntries(repos, lottery, this.telemetry);
      await repos.lotteries.save(lottery);
    });
    const shared = attempt.finally(() => this.attempts.delete(lotteryId));
    this.attempts.set(lotteryId, shared);
    shared.catch((error: unknown) => this.options.onSealError?.(error));
    return shared;
  }
}

const settled = (): void => undefined;
