import pg from 'pg';
import type { Reachability } from './reachability.js';

export interface ReadinessProbe {
  /** Resolves when the database answers `select 1`; rejects (StoreUnavailable) within the timeout otherwise. */
  check(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The readiness check's own connection, apart from the pool that serves requests: behind a
 * queue of requests waiting for the pool, a probe would report the queue, not the database,
 * and heal seconds after the database did. Concurrent checks share one query, so probes that
 * skip the rate limit cannot pile up connections; every step is bounded by `timeoutMs`.
 * Its answers count towards `reachability`: an outage and the recovery are reported even when
 * no request comes.
 */
export function createReadinessProbe(url: string, options: { reachability: Reachability; timeoutMs?: number }): ReadinessProbe {
  const timeoutMs = options.timeoutMs ?? 1_500;
  const pool = new pg.Pool({
    connectionString: url,
    max: 1,
    connectionTimeoutMillis: timeoutMs,
    query_timeout: timeoutMs,
    keepAlive: true,
  });
  // An idle probe connection that dies is dropped by the pool; the next check finds out.
  pool.on('error', () => {});
  let inFlight: Promise<void> | null = null;
  const ping = async () => {
    const attempt = options.reachability.attempt();
    try {
      await pool.query('select 1');
    } catch (error) {
      throw options.reachability.failed(error);
    }
    options.reachability.succeeded(attempt);
  };
  return {
    check() {
      inFlight ??= ping().finally(() => {
        inFlight = null;
      });
      return inFlight;
    },
    close: () => pool.end(),
  };
}
