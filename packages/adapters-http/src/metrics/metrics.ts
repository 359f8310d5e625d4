import type { LotteryCloseCause, Telemetry, TimedOperation, WebhookAttemptOutcome } from '@fairdraw/application';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { RelayEvent } from '../beacon/drand-relays.js';

/** What the process's database pool holds right now (pg's totalCount, idleCount, waitingCount). */
export interface PoolStats {
  readonly total: number;
  readonly idle: number;
  readonly waiting: number;
}

export interface MetricsOptions {
  /** Node's default process metrics (CPU, memory, event loop lag, GC); off for test servers. */
  readonly processMetrics?: boolean;
  /** Read at every scrape. */
  readonly poolStats?: (() => PoolStats) | undefined;
}

/** Which per-address limit refused a request. */
type RateLimitName = 'general' | 'auth';

/**
 * One process's Prometheus series: what the use cases report (as a Telemetry), what the HTTP
 * layer records, and gauges read at scrape time. Every label takes values from a closed set
 * (route templates, status codes, a few causes), so the number of series stays bounded
 * whatever ids or paths clients send.
 */
export interface Metrics {
  readonly registry: Registry;
  readonly telemetry: Telemetry;
  /** One request's answer; `route` is a template such as /lotteries/:id, never a raw path. */
  observeRequest(method: string, route: string, status: number, seconds: number): void;
  rateLimited(limit: RateLimitName): void;
  /** One relay's answer to a chain-info or round fetch (DrandRelays' onRelayEvent). */
  beaconFetched(kind: RelayEvent['kind'], outcome: RelayEvent['outcome']): void;
  /** The text exposition, and its content type. */
  exposition(): Promise<{ readonly contentType: string; readonly body: string }>;
}

// Seconds: a ballot answers in milliseconds, a draw over 10^6 entries takes seconds.
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const LONG_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];
// A turn serves up to 5,000 tickets (ballot-batches.ts).
const TURN_BUCKETS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000];

export function createMetrics(options: MetricsOptions = {}): Metrics {
  const registry = new Registry();
  if (options.processMetrics) collectDefaultMetrics({ register: registry });
  const registers = [registry];

  const requests = new Counter({
    name: 'fairdraw_http_requests_total',
    help: 'HTTP requests answered, by method, route template and status',
    labelNames: ['method', 'route', 'status'],
    registers,
  });
  const latency = new Histogram({
    name: 'fairdraw_http_request_duration_seconds',
    help: 'Time from receiving a request to sending its response, by method, route template and status',
    labelNames: ['method', 'route', 'status'],
    buckets: LATENCY_BUCKETS,
    registers,
  });
  const limited = new Counter({
    name: 'fairdraw_rate_limited_requests_total',
    help: 'Requests refused with 429 RATE_LIMITED, by limit (general: RATE_LIMIT_PER_MINUTE; auth: AUTH_RATE_LIMIT_PER_MINUTE)',
    labelNames: ['limit'],
    registers,
  });
  const created = new Counter({
    name: 'fairdraw_lotteries_created_total',
    help: 'Lotteries created (by an admin or the daily provisioning)',
    registers,
  });
  const closed = new Counter({
    name: 'fairdraw_lotteries_closed_total',
    help: 'Lottery closes recorded, by cause (admin, due, sold_out)',
    labelNames: ['cause'],
    registers,
  });
  const drawn = new Counter({ name: 'fairdraw_lotteries_drawn_total', help: 'Lotteries drawn', registers });
  const ballots = new Counter({ name: 'fairdraw_ballots_issued_total', help: 'Tickets issued in committed ballot turns', registers });
  const turnRequests = new Histogram({
    name: 'fairdraw_ballot_turn_requests',
    help: 'Ballot requests served by one committed turn (one transaction)',
    buckets: TURN_BUCKETS,
    registers,
  });
  const turnTickets = new Histogram({
    name: 'fairdraw_ballot_turn_tickets',
    help: 'Tickets issued by one committed turn (one transaction)',
    buckets: [0, ...TURN_BUCKETS],
    registers,
  });
  const durations: Record<TimedOperation, Histogram> = {
    queue_wait: new Histogram({
      name: 'fairdraw_ballot_queue_wait_seconds',
      help: 'Time a ballot request waited for its turn on the lottery',
      buckets: LATENCY_BUCKETS,
      registers,
    }),
    draw: new Histogram({
      name: 'fairdraw_draw_duration_seconds',
      help: 'Time a draw took, its transaction included (sealing the entries when needed)',
      buckets: LONG_BUCKETS,
      registers,
    }),
    seal: new Histogram({
      name: 'fairdraw_seal_duration_seconds',
      help: 'Time freezing the entries of a closed lottery took (streaming them into the digest)',
      buckets: LONG_BUCKETS,
      registers,
    }),
  };
  const beacon = new Counter({
    name: 'fairdraw_beacon_fetches_total',
    help: 'Fetches from the drand relays (fairdraw-v2), by kind (info: chain info, round: a beacon) and outcome (ok, failed: no answer, invalid: refused by the checks)',
    labelNames: ['kind', 'outcome'],
    registers,
  });
  const poolStats = options.poolStats;
  if (poolStats) {
    new Gauge({
      name: 'fairdraw_db_pool_connections',
      help: 'Database connections of this process, by state (in_use, idle)',
      labelNames: ['state'],
      registers,
      collect() {
        const { total, idle } = poolStats();
        this.set({ state: 'in_use' }, total - idle);
        this.set({ state: 'idle' }, idle);
      },
    });
    new Gauge({
      name: 'fairdraw_db_pool_waiting',
      help: 'Queries waiting for a database connection of this process',
      registers,
      collect() {
        this.set(poolStats().waiting);
      },
    });
  }

  // Known label values start at 0, so a rate over them exists before the first event.
  for (const cause of ['admin', 'due', 'sold_out'] satisfies LotteryCloseCause[]) closed.inc({ cause }, 0);
  for (const limit of ['general', 'auth'] satisfies RateLimitName[]) limited.inc({ limit }, 0);
  for (const kind of ['info', 'round'] satisfies RelayEvent['kind'][]) {
    for (const outcome of ['ok', 'failed', 'invalid'] satisfies RelayEvent['outcome'][]) beacon.inc({ kind, outcome }, 0);
  }

  const webhooks = new Counter({
    name: 'fairdraw_webhook_deliveries_total',
    help: 'Webhook delivery attempts by outcome (delivered, retried, failed)',
    labelNames: ['outcome'],
    registers,
  });
  for (const outcome of ['delivered', 'retried', 'failed'] satisfies WebhookAttemptOutcome[]) webhooks.inc({ outcome }, 0);

  const telemetry: Telemetry = {
    lotteryCreated: () => created.inc(),
    lotteryClosed: (cause: LotteryCloseCause) => closed.inc({ cause }),
    lotteryDrawn: () => drawn.inc(),
    ballotsIssued: (count) => ballots.inc(count),
    turnServed: (requestCount, tickets) => {
      turnRequests.observe(requestCount);
      turnTickets.observe(tickets);
    },
    startTimer: (operation) => {
      const end = durations[operation].startTimer();
      return () => void end();
    },
    webhookAttempted: (outcome) => webhooks.inc({ outcome }),
  };

  return {
    registry,
    telemetry,
    observeRequest: (method, route, status, seconds) => {
      const labels = { method, route, status: String(status) };
      requests.inc(labels);
      latency.observe(labels, seconds);
    },
    rateLimited: (limit) => limited.inc({ limit }),
    beaconFetched: (kind, outcome) => beacon.inc({ kind, outcome }),
    exposition: async () => ({ contentType: registry.contentType, body: await registry.metrics() }),
  };
}
