import { AsyncLocalStorage } from 'node:async_hooks';
import type { Repositories, UnitOfWork } from '@fairdraw/application';
import type { LotteryId } from '@fairdraw/domain';
import type { Kysely } from 'kysely';
import { postgresParticipants, postgresRefreshTokens } from './accounts.js';
import { postgresBallots, postgresEntryCounts } from './ballots.js';
import type { Database } from './database.js';
import { postgresDraws } from './draws.js';
import { postgresIdempotency } from './idempotency.js';
import { postgresLotteries } from './lotteries.js';
import { type LotteryReadCache, noticingWrites } from './lottery-read-cache.js';
import { postgresPools } from './pools.js';
import { postgresWallets } from './wallets.js';
import { postgresWebhooks } from './webhooks.js';

function postgresRepositories(db: Kysely<Database>): Repositories {
  return {
    participants: postgresParticipants(db),
    refreshTokens: postgresRefreshTokens(db),
    lotteries: postgresLotteries(db),
    ballots: postgresBallots(db),
    entryCounts: postgresEntryCounts(db),
    pools: postgresPools(db),
    draws: postgresDraws(db),
    idempotency: postgresIdempotency(db),
    wallets: postgresWallets(db),
    webhooks: postgresWebhooks(db),
  };
}

/**
 * `run` is one READ COMMITTED transaction; the use cases take row locks (`lotteries.lock`) where
 * they need them. A `run` nested in the same async context joins the open transaction instead of
 * taking a second connection (which could deadlock a small pool). `reads` uses the pool directly;
 * with a `lotteryCache`, its lottery reads by id come from memory while fresh, and each
 * transaction makes the cache forget the lotteries it wrote once it ends (lottery-read-cache.ts).
 */
export function createPostgresUnitOfWork(db: Kysely<Database>, options: { lotteryCache?: LotteryReadCache } = {}): UnitOfWork {
  const open = new AsyncLocalStorage<Repositories>();
  const cache = options.lotteryCache;
  const reads = postgresRepositories(db);
  return {
    reads: cache ? { ...reads, lotteries: cache.reading(reads.lotteries) } : reads,
    async run(work) {
      const joined = open.getStore();
      if (joined) return work(joined);
      const written = new Set<LotteryId>();
      try {
        return await db
          .transaction()
          .setIsolationLevel('read committed')
          .execute((trx) => {
            const plain = postgresRepositories(trx);
            const repos = cache ? { ...plain, lotteries: noticingWrites(plain.lotteries, written) } : plain;
            return open.run(repos, () => work(repos));
          });
      } finally {
        if (written.size > 0) cache?.forget(written);
      }
    },
  };
}
