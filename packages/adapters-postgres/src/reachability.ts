import { StoreUnavailable } from '@fairdraw/application';

/** Socket errors that mean the server is gone or cannot be reached (not a bad query). */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * SQLSTATEs of a server that is going away or not serving yet: admin_shutdown (57P01, a fast
 * stop), crash_shutdown (57P02, a sibling backend crashed), cannot_connect_now (57P03, starting
 * up or in recovery), database_dropped (57P04), too_many_connections (53300, the server's own
 * limit), and class 08, connection exceptions.
 */
const SERVER_CODES = new Set(['57P01', '57P02', '57P03', '57P04', '53300']);

/** What pg and pg-pool throw, without a code, when a connection died or never came. */
const DRIVER_MESSAGES = [
  'Connection terminated unexpectedly',
  'Connection terminated due to connection timeout',
  'Client has encountered a connection error and is not queryable',
  'Postgres connection has been discarded',
  // The readiness probe's query_timeout: a server that accepts but does not answer.
  'Query read timeout',
];

/** pg-pool's message when no connection came free within `connectionTimeoutMillis`. */
const POOL_TIMEOUT = 'timeout exceeded when trying to connect';

export type Failure = 'unreachable' | 'busy' | null;

/** Whether a failure is the database's unavailability, and which kind; null for anything else. */
export function classify(error: unknown): Failure {
  if (!(error instanceof Error)) return null;
  if (error.message === POOL_TIMEOUT) return 'busy';
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && (NETWORK_CODES.has(code) || SERVER_CODES.has(code) || /^08[0-9A-Z]{3}$/.test(code))) {
    return 'unreachable';
  }
  if (DRIVER_MESSAGES.includes(error.message)) return 'unreachable';
  // Node's happy-eyeballs connect (localhost: ::1 and 127.0.0.1) fails with an AggregateError.
  if (error instanceof AggregateError && error.errors.some((inner) => classify(inner) === 'unreachable')) return 'unreachable';
  return null;
}

export interface ReachabilityEvents {
  /** Once per outage, with the first failure that showed it. */
  readonly onUnreachable?: ((error: Error) => void) | undefined;
  /** Once the database answers again, with how long it was unreachable. */
  readonly onReachable?: ((downForMs: number) => void) | undefined;
  /** At most once a minute while requests find every pooled connection busy. */
  readonly onBusy?: ((error: Error) => void) | undefined;
}

/** Retry-After of an outage: the service heals within about a second of the database's return. */
const UNREACHABLE_RETRY_S = 2;
const BUSY_RETRY_S = 1;
const BUSY_REPORT_INTERVAL_MS = 60_000;

/**
 * Whether the database can be reached, learnt from what the pool sees: the first failure of an
 * outage is reported once (not once per request), the first success after it once more.
 * Failures become StoreUnavailable, which clients get as 503 with Retry-After; any other error
 * passes through untouched.
 */
export class Reachability {
  private downSince: number | null = null;
  /** Counts outages: a query tells of recovery only if it began in the current one. */
  private outages = 0;
  private busyReportedAt = Number.NEGATIVE_INFINITY;

  constructor(private readonly events: ReachabilityEvents = {}) {}

  get reachable(): boolean {
    return this.downSince === null;
  }

  /** The error to throw instead of `error`. */
  failed(error: unknown): unknown {
    const kind = classify(error);
    if (kind === null) return error;
    const cause = error as Error;
    if (kind === 'busy') {
      const now = Date.now();
      if (now - this.busyReportedAt >= BUSY_REPORT_INTERVAL_MS) {
        this.busyReportedAt = now;
        this.events.onBusy?.(cause);
      }
      return new StoreUnavailable('the database has no connection to spare right now; retry shortly', BUSY_RETRY_S, { cause });
    }
    if (this.downSince === null) {
      this.downSince = Date.now();
      this.outages += 1;
      this.events.onUnreachable?.(cause);
    }
    return new StoreUnavailable('the database cannot be reached right now; retry shortly', UNREACHABLE_RETRY_S, { cause });
  }

  /** What a query takes before it starts, to hand to `succeeded` if it does. */
  attempt(): number {
    return this.outages;
  }

  /**
   * A query that began before the outage was noticed (a fast shutdown answers some in flight
   * while it terminates the rest) says nothing about now; one that began since does.
   */
  succeeded(attempt: number): void {
    if (this.downSince === null || attempt !== this.outages) return;
    const downForMs = Date.now() - this.downSince;
    this.downSince = null;
    this.events.onReachable?.(downForMs);
  }
}
