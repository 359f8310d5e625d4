import { AsyncLocalStorage } from 'node:async_hooks';
import type { Repositories, UnitOfWork } from '../ports/repositories.js';
import { inMemoryParticipants, inMemoryRefreshTokens } from './in-memory-accounts.js';
import { inMemoryBallots, inMemoryEntryCounts, inMemoryPools } from './in-memory-ballots.js';
import { inMemoryDraws, inMemoryIdempotency } from './in-memory-draws.js';
import { inMemoryLotteries } from './in-memory-lotteries.js';
import { committedSession, copyStore, emptyStore, type Session, type Transaction, transactionSession } from './in-memory-store.js';
import { inMemoryWallets } from './in-memory-wallets.js';
import { inMemoryWebhooks } from './in-memory-webhooks.js';

export interface InMemoryUnitOfWork extends UnitOfWork {
  /** How many outermost transactions committed; lets a test see that work was (not) applied. */
  readonly commits: number;
}

/**
 * Behaves like the PostgreSQL unit of work, so use-case tests mean something:
 * - `run` works on a copy of the store and publishes it only when the work resolves, so a throw
 *   rolls everything back; a unique violation aborts the transaction: later calls fail, and if
 *   the work swallows the error, `run` still rejects and nothing is applied, as with PostgreSQL.
 * - outermost runs are serialised, which is at least as strict as PostgreSQL's row locks;
 * - a `run` inside a `run` (same async context) joins the open transaction;
 * - `reads` sees committed data only, and each write through it commits on its own.
 */
export function createInMemoryUnitOfWork(): InMemoryUnitOfWork {
  let committed = emptyStore();
  let commits = 0;
  const heldLocks = new Set<string>();
  const open = new AsyncLocalStorage<Repositories>();
  let tail: Promise<void> = Promise.resolve();

  async function exclusive<T>(work: () => Promise<T>): Promise<T> {
    const previous = tail;
    let release = () => {};
    tail = new Promise((resolve) => {
      release = resolve;
    });
    await previous;
    try {
      return await work();
    } finally {
      release();
    }
  }

  async function run<T>(work: (repos: Repositories) => Promise<T>): Promise<T> {
    const joined = open.getStore();
    if (joined) return work(joined);
    return exclusive(async () => {
      const tx: Transaction = { store: copyStore(committed), aborted: false, ended: false, locks: new Set() };
      const repos = repositoriesOver(transactionSession(tx, heldLocks));
      try {
        const result = await open.run(repos, () => work(repos));
        // PostgreSQL answers COMMIT with ROLLBACK here, and Kysely turns that into an error.
        if (tx.aborted) throw new Error('Transaction was rolled back instead of committed');
        committed = tx.store;
        commits += 1;
        return result;
      } finally {
        tx.ended = true;
        for (const key of tx.locks) heldLocks.delete(key);
      }
    });
  }

  const reads = autocommit(repositoriesOver(committedSession(() => committed, heldLocks)), run);
  return {
    run,
    reads,
    get commits() {
      return commits;
    },
  };
}

function repositoriesOver(session: Session): Repositories {
  return {
    participants: inMemoryParticipants(session),
    refreshTokens: inMemoryRefreshTokens(session),
    lotteries: inMemoryLotteries(session),
    ballots: inMemoryBallots(session),
    entryCounts: inMemoryEntryCounts(session),
    pools: inMemoryPools(session),
    draws: inMemoryDraws(session),
    idempotency: inMemoryIdempotency(session),
    wallets: inMemoryWallets(session),
    webhooks: inMemoryWebhooks(session),
  };
}

const WRITES: { readonly [K in keyof Repositories]: readonly (keyof Repositories[K])[] } = {
  participants: ['add'],
  refreshTokens: ['add', 'spend', 'revokeFamily'],
  lotteries: ['add', 'save'],
  ballots: ['addMany'],
  entryCounts: ['add'],
  pools: ['write'],
  draws: ['add'],
  idempotency: ['save'],
  wallets: ['lock', 'save'],
  webhooks: ['add', 'remove', 'addEvent', 'claimDue', 'recordAttempt'],
};

type Methods = Record<string, (...args: unknown[]) => Promise<unknown>>;

/** Routes each write made through `reads` into its own one-statement transaction. */
function autocommit(direct: Repositories, run: UnitOfWork['run']): Repositories {
  const wrapped: Record<string, Methods> = {};
  for (const [name, repo] of Object.entries(direct) as [keyof Repositories, Methods][]) {
    const writes = WRITES[name] as readonly string[];
    const inTransaction = (method: string, args: unknown[]) =>
      run(async (repos) => {
        const write = (repos[name] as unknown as Methods)[method];
        if (write === undefined) throw new Error(`${name}.${method} does not exist`);
        return write(...args);
      });
    wrapped[name] = Object.fromEntries(
      Object.entries(repo).map(([method, fn]) => [
        method,
        writes.includes(method) ? (...args: unknown[]) => inTransaction(method, args) : fn,
      ]),
    );
  }
  return wrapped as unknown as Repositories;
}
