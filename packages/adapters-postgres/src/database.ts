import type { DeliveryStatus, DrawBeacon, DrawWinner, WebhookEvent } from '@fairdraw/application';
import type { Algorithm, LotteryBeacon, LotteryStatus, Prize, Role, TransactionKind } from '@fairdraw/domain';
import { type ColumnType, Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import Cursor from 'pg-cursor';
import { guardedPool } from './guarded-pool.js';
import { classify, Reachability } from './reachability.js';

/** jsonb: read back parsed, written as JSON text (pg would turn a JS array into a PostgreSQL array). */
type Json<T> = ColumnType<T, string, string>;

export interface ParticipantsTable {
  id: string;
  username: string;
  email: string | null;
  role: Role;
  password_hash: string;
  created_at: Date;
}

export interface RefreshTokensTable {
  token_hash: string;
  family_id: string;
  participant_id: string;
  expires_at: Date;
  spent_at: Date | null;
  revoked_at: Date | null;
}

export interface LotteriesTable {
  id: string;
  name: string;
  status: LotteryStatus;
  /** A `date`, read as `YYYY-MM-DD` text (see the type parser below). */
  closes_on: string | null;
  closes_at: Date | null;
  ticket_limit: number | null;
  tickets_issued: number;
  prizes: Json<Prize[]>;
  guests: boolean;
  per_participant_limit: number | null;
  per_ip_limit: number | null;
  ticket_price: number;
  currency: string;
  seed: Buffer;
  commitment: string;
  entries_digest: string | null;
  entry_count: number | null;
  created_at: Date;
  closed_at: Date | null;
  drawn_at: Date | null;
  /** Migration 0005; rows from before it are fairdraw-v1 with no beacon. */
  algorithm: ColumnType<Algorithm, Algorithm | undefined, Algorithm>;
  beacon: ColumnType<LotteryBeacon | null, string | null | undefined, string | null>;
}

export interface BallotsTable {
  id: string;
  lottery_id: string;
  ticket_number: number;
  participant_id: string | null;
  ip_hash: string | null;
  code_hash: string;
  created_at: Date;
}

interface PoolSlotsTable {
  lottery_id: string;
  position: number;
  ticket: number;
}

interface EntryCountsTable {
  lottery_id: string;
  /** `participant:<id>` or `ip:<address hash>`. */
  holder: string;
  tickets: number;
}

export interface DrawsTable {
  lottery_id: string;
  drawn_at: Date;
  algorithm: Algorithm;
  commitment: string;
  seed: string;
  entries_digest: string;
  n: number;
  randomness: string;
  winners: Json<DrawWinner[]>;
  beacon: ColumnType<DrawBeacon | null, string | null | undefined, string | null>;
}

interface IdempotencyKeysTable {
  scope: string;
  key: string;
  fingerprint: string;
  response: string;
  created_at: Date;
}

export interface LedgerEntriesTable {
  id: string;
  participant_id: string;
  seq: number;
  kind: TransactionKind;
  amount: number;
  balance_before: number;
  balance_after: number;
  lottery_id: string | null;
  ballot_count: number | null;
  refund_of: string | null;
  created_at: Date;
  previous_seq: ColumnType<number | null, never, never>;
  refunded_amount: ColumnType<number, never, never>;
  paid_draw: ColumnType<string | null, never, never>;
}

export interface WalletsTable {
  participant_id: string;
  /** The latest entry's seq; null for a wallet with no entries. */
  seq: number | null;
  balance: number;
  updated_at: Date | null;
}

export interface WebhooksTable {
  id: string;
  url: string;
  events: WebhookEvent[];
  description: string | null;
  /** Sealed with the key from the environment (SecretBox). */
  secret: string;
  created_at: Date;
}

/** The outbox: one row per change, written in the change's transaction. */
export interface WebhookEventsTable {
  id: string;
  type: WebhookEvent;
  lottery_id: string;
  /** JSON text (not jsonb) so that every attempt sends exactly the bytes first written. */
  data: string;
  created_at: Date;
}

export interface WebhookDeliveriesTable {
  id: string;
  webhook_id: string;
  event_id: string;
  status: DeliveryStatus;
  attempts: number;
  last_status_code: number | null;
  last_error: string | null;
  next_attempt_at: Date | null;
  delivered_at: Date | null;
  created_at: Date;
}

export interface Database {
  participants: ParticipantsTable;
  refresh_tokens: RefreshTokensTable;
  lotteries: LotteriesTable;
  ballots: BallotsTable;
  pool_slots: PoolSlotsTable;
  entry_counts: EntryCountsTable;
  draws: DrawsTable;
  idempotency_keys: IdempotencyKeysTable;
  ledger_entries: LedgerEntriesTable;
  wallets: WalletsTable;
  webhooks: WebhooksTable;
  webhook_events: WebhookEventsTable;
  webhook_deliveries: WebhookDeliveriesTable;
}

const DATE_OID = 1082;
const INT8_OID = 20;

// Calendar dates stay strings (a JS Date would shift them into the process's zone), and
// bigint results (counts, row numbers) are small enough to be numbers.
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === DATE_OID) return (value: string) => value;
    if (oid === INT8_OID) return (value: string) => Number(value);
    return format === 'binary' ? pg.types.getTypeParser(oid, 'binary') : pg.types.getTypeParser(oid, 'text');
  },
} as pg.CustomTypesConfig;

export interface DatabaseOptions {
  readonly poolSize?: number | undefined;
  readonly onIdleClientError?: ((error: Error) => void) | undefined;
  /** The server ends a transaction left idle this long, releasing its locks (default 60 s). */
  readonly idleInTransactionTimeoutMs?: number | undefined;
  /** The server cancels a statement running this long (default 5 min). */
  readonly statementTimeoutMs?: number | undefined;
  /**
   * How long a query waits for a pooled connection, or for a new one to be established, before
   * it fails with StoreUnavailable (default 5 s): a pool held by something slow answers 503
   * rather than making every request wait forever.
   */
  readonly acquireTimeoutMs?: number | undefined;
  /** Where outages are reported (once each) and failures classified; a fresh one by default. */
  readonly reachability?: Reachability | undefined;
}

/** What a pool is doing right now, for metrics and logs. */
export interface PoolUsage {
  /** Connections open, idle or checked out. */
  readonly total: number;
  readonly idle: number;
  /** Queries waiting for a connection. */
  readonly waiting: number;
  readonly max: number;
}

const pools = new WeakMap<Kysely<Database>, pg.Pool>();

/** The pool behind a database made by createDatabase (for the pool gauges). */
export function poolUsage(db: Kysely<Database>): PoolUsage {
  const pool = pools.get(db);
  if (pool === undefined) throw new Error('not a database made by createDatabase');
  return { total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount, max: pool.options.max };
}

/**
 * Ballots of a lottery queue behind one transaction at a time (ballot-batches.ts), so a
 * transaction that never ends would stall its lottery: a client that hung between statements
 * (the server's idle-in-transaction timeout ends it and releases its locks), a statement that
 * runs away (the statement timeout, generous because migrations and a 10^7-entry draw run long
 * statements), or a connection that died without a word (TCP keepalive notices it).
 */
export function createDatabase(url: string, options: DatabaseOptions = {}): Kysely<Database> {
  const idle = options.idleInTransactionTimeoutMs ?? 60_000;
  const statement = options.statementTimeoutMs ?? 300_000;
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: options.acquireTimeoutMs ?? 5_000,
    types,
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
    options: `-c idle_in_transaction_session_timeout=${idle} -c statement_timeout=${statement}`,
  });
  // The server ending a connection (a restart, an administrator, the idle-in-transaction
  // timeout, a shutdown racing pool.end(), which does not wait for its clients to go) is an
  // 'error' event on the client, re-emitted by the pool while the client is idle; unheard, it
  // kills the process. A query in flight fails on its own, the next one on that client fails
  // and the pool drops it on release, so there is nothing else to do than to report it once.
  // When it is the database going away, that is the outage, reported once for all connections.
  const reachability = options.reachability ?? new Reachability();
  const reported = new WeakSet<Error>();
  const report = (error: Error) => {
    if (reported.has(error)) return;
    reported.add(error);
    if (classify(error) === null) options.onIdleClientError?.(error);
    else reachability.failed(error);
  };
  pool.on('error', report);
  pool.on('connect', (client) => client.on('error', report));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: guardedPool(pool, reachability), cursor: Cursor }) });
  pools.set(db, pool);
  return db;
}
