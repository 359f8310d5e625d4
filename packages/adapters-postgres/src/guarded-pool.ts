import type { PostgresCursor, PostgresPool, PostgresPoolClient, PostgresQueryResult } from 'kysely';
import type pg from 'pg';
import type { Reachability } from './reachability.js';

/**
 * The pg pool as Kysely sees it, with every failure passed through `reachability`: a connection
 * that cannot be had (refused, timed out, the server starting up) and a query on a connection
 * that died (terminated, the server shutting down) reject with StoreUnavailable, and the
 * first answer after an outage says the database is back. Every statement (transactions'
 * BEGIN and COMMIT included) goes through `query`, so nothing escapes.
 */
export function guardedPool(pool: pg.Pool, reachability: Reachability): PostgresPool {
  // Kysely keeps a connection object per client: hand it the same wrapper for the same client.
  const wrappers = new WeakMap<pg.PoolClient, PostgresPoolClient>();
  const wrap = (client: pg.PoolClient): PostgresPoolClient => {
    const known = wrappers.get(client);
    if (known !== undefined) return known;
    const wrapper: PostgresPoolClient = {
      // Kysely reads it (undocumented in pg) to cancel a query; pg sets it once connected.
      get processID() {
        return (client as unknown as { processID: number }).processID;
      },
      release: (destroy?: boolean) => client.release(destroy),
      query: ((sqlOrCursor: string | PostgresCursor<unknown>, parameters?: ReadonlyArray<unknown>) => {
        // A cursor is a stream whose reads fail on their own; nothing here streams one.
        if (typeof sqlOrCursor !== 'string') return client.query(sqlOrCursor as never);
        const attempt = reachability.attempt();
        return client.query(sqlOrCursor, parameters as unknown[]).then(
          (result) => {
            reachability.succeeded(attempt);
            return result as unknown as PostgresQueryResult<unknown>;
          },
          (error: unknown) => {
            throw reachability.failed(error);
          },
        );
      }) as PostgresPoolClient['query'],
    };
    wrappers.set(client, wrapper);
    return wrapper;
  };
  return {
    Client: (pool as unknown as { Client: NonNullable<PostgresPool['Client']> }).Client,
    get options() {
      return pool.options;
    },
    connect: () =>
      pool.connect().then(wrap, (error: unknown) => {
        throw reachability.failed(error);
      }),
    end: () => pool.end(),
  };
}
