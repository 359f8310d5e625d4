import type { DrawWinner } from '@fairdraw/application';
import type { LotteryStatus, Prize, Role } from '@fairdraw/domain';
import { type ColumnType, Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import Cursor from 'pg-cursor';

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
  seed: Buffer;
  commitment: string;
  entries_digest: string | null;
  entry_count: number | null;
  created_at: Date;
  closed_at: Date | null;
  drawn_at: Date | null;
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

export interface PoolSlotsTable {
  lottery_id: string;
  position: number;
  ticket: number;
}

export interface EntryCountsTable {
  lottery_id: string;
  /** `participant:<id>` or `ip:<address hash>`. */
  holder: string;
  tickets: number;
}

export interface DrawsTable {
  lottery_id: string;
  drawn_at: Date;
  algorithm: 'fairdraw-v1';
  commitment: string;
  seed: string;
  entries_digest: string;
  n: number;
  randomness: string;
  winners: Json<DrawWinner[]>;
}

export interface IdempotencyKeysTable {
  scope: string;
  key: string;
  fingerprint: string;
  response: string;
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

export function createDatabase(
  url: string,
  options: { poolSize?: number | undefined; onIdleClientError?: ((error: Error) => void) | undefined } = {},
): Kysely<Database> {
  const pool = new pg.Pool({ connectionString: url, max: options.poolSize ?? 10, types });
  // The server ending an idle connection (a restart, an administrator, a shutdown racing
  // pool.end(), which does not wait for its clients to go) is emitted on the pool; unheard, that
  // event kills the process. The pool has already dropped the client and connects afresh on the
  // next query, and queries in flight fail on their own, so there is nothing else to do here.
  pool.on('error', (error) => options.onIdleClientError?.(error));
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool, cursor: Cursor }) });
}
