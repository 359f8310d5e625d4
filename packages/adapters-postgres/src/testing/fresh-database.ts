import { randomBytes } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import { createDatabase, type Database } from '../database.js';
import { migrateTo } from '../migrations.js';

export interface TestDatabase {
  readonly url: string;
  readonly db: Kysely<Database>;
  /** Closes the pool and drops the database. */
  drop(): Promise<void>;
}

/**
 * A new, migrated database on the server (CREATE DATABASE), so that test files sharing a server
 * never see each other's rows. Within a file, `emptyDatabase` resets it between tests.
 * `migratedTo` stops at that migration, for a test of the next one.
 */
export async function freshDatabase(
  server: { readonly url: string },
  options: { poolSize?: number; migratedTo?: string } = {},
): Promise<TestDatabase> {
  const name = `fairdraw_test_${randomBytes(6).toString('hex')}`;
  await asAdmin(server.url, (admin) => sql`create database ${sql.id(name)}`.execute(admin));
  const url = withDatabase(server.url, name);
  const db = createDatabase(url, { poolSize: options.poolSize ?? 5 });
  await migrateTo(db, options.migratedTo ?? null);
  return {
    url,
    db,
    drop: async () => {
      await db.destroy();
      await asAdmin(server.url, (admin) => sql`drop database if exists ${sql.id(name)} with (force)`.execute(admin));
    },
  };
}

/** Deletes every row the application wrote (the migrations' bookkeeping stays). */
export async function emptyDatabase(db: Kysely<Database>): Promise<void> {
  await sql`truncate participants, refresh_tokens, lotteries, ballots, pool_slots, entry_counts, draws, idempotency_keys, ledger_entries, wallets, webhooks, webhook_events, webhook_deliveries`.execute(
    db,
  );
}

async function asAdmin(serverUrl: string, query: (admin: Kysely<Database>) => Promise<unknown>): Promise<void> {
  const admin = createDatabase(serverUrl, { poolSize: 1 });
  try {
    await query(admin);
  } finally {
    await admin.destroy();
  }
}

function withDatabase(serverUrl: string, name: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}
