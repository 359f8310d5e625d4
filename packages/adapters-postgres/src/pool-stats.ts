import type pg from 'pg';

/** How many connections a database handle's pool holds, idle, and how many queries wait for one. */
export interface PoolCounts {
  readonly total: number;
  readonly idle: number;
  readonly waiting: number;
}

// Kysely hides its pool; createDatabase records it here so the metrics can read its counts.
const pools = new WeakMap<object, pg.Pool>();

export function rememberPool(db: object, pool: pg.Pool): void {
  pools.set(db, pool);
}

/** The pool's counts right now; zeros for a handle createDatabase did not make. */
export function poolStatsOf(db: object): PoolCounts {
  const pool = pools.get(db);
  return pool ? { total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount } : { total: 0, idle: 0, waiting: 0 };
}
