import { type Kysely, sql } from 'kysely';
import { type Migration, type MigrationProvider, Migrator } from 'kysely/migration';
import type { Database } from './database.js';
import { beaconDraws } from './migration-beacon-draws.js';
import { wallets } from './wallet-migration.js';

/**
 * Migrations live in code (not files read at run time), so they work the same from `src` under
 * the tests and from `dist` in production. Constraint names matter: errors.ts maps them to codes.
 */
const initial: Migration = {
  async up(db) {
    for (const statement of [
      sql`create table participants (
        id uuid primary key,
        username text not null,
        email text,
        role text not null check (role in ('participant', 'admin')),
        password_hash text not null,
        created_at timestamptz not null
      )`,
      sql`create unique index participants_username_key on participants (lower(username))`,
      sql`create unique index participants_email_key on participants (email)`,
      sql`create index participants_admins on participants (role) where role = 'admin'`,
      sql`create table refresh_tokens (
        token_hash text primary key,
        family_id text not null,
        participant_id uuid not null references participants (id),
        expires_at timestamptz not null,
        spent_at timestamptz,
        revoked_at timestamptz
      )`,
      sql`create index refresh_tokens_family on refresh_tokens (family_id)`,
      sql`create table lotteries (
        id uuid primary key,
        name text not null,
        status text not null check (status in ('open', 'closed', 'drawn')),
        closes_on date constraint lotteries_closes_on_key unique,
        closes_at timestamptz,
        ticket_limit integer,
        tickets_issued integer not null,
        prizes jsonb not null,
        guests boolean not null,
        per_participant_limit integer,
        per_ip_limit integer,
        seed bytea not null,
        commitment text not null,
        entries_digest text,
        entry_count integer,
        created_at timestamptz not null,
        closed_at timestamptz,
        drawn_at timestamptz
      )`,
      sql`create index lotteries_status on lotteries (status, id desc)`,
      sql`create index lotteries_undrawn on lotteries (closes_at) where status <> 'drawn'`,
      sql`create table ballots (
        id uuid primary key,
        lottery_id uuid not null references lotteries (id),
        ticket_number integer not null,
        participant_id uuid references participants (id),
        ip_hash text,
        code_hash text not null,
        created_at timestamptz not null,
        constraint ballots_lottery_ticket_key unique (lottery_id, ticket_number)
      )`,
      sql`create index ballots_by_participant on ballots (participant_id, id desc) where participant_id is not null`,
      sql`create index ballots_count_participant on ballots (lottery_id, participant_id) where participant_id is not null`,
      sql`create index ballots_count_ip on ballots (lottery_id, ip_hash) where ip_hash is not null`,
      sql`create table pool_slots (
        lottery_id uuid not null references lotteries (id),
        position integer not null,
        ticket integer not null,
        primary key (lottery_id, position)
      )`,
      // Not unique: a swap moves two tickets, and uniqueness would reject its intermediate state.
      sql`create index pool_slots_ticket on pool_slots (lottery_id, ticket)`,
      sql`create table draws (
        lottery_id uuid constraint draws_pkey primary key references lotteries (id),
        drawn_at timestamptz not null,
        algorithm text not null,
        commitment text not null,
        seed text not null,
        entries_digest text not null,
        n integer not null,
        randomness text not null,
        winners jsonb not null
      )`,
      sql`create index draws_drawn_at on draws (drawn_at desc, lottery_id desc)`,
      sql`create table idempotency_keys (
        scope text not null,
        key text not null,
        fingerprint text not null,
        response text not null,
        created_at timestamptz not null,
        primary key (scope, key)
      )`,
    ]) {
      await statement.execute(db);
    }
  },
};

/**
 * A pool slot is looked up by (lottery, position) or by (lottery, ticket). With `lottery_id`
 * leading both indexes, a lottery the statistics have not seen yet (a new jackpot filling up,
 * estimated at one row) made either index look as cheap as the other, and the planner read
 * slots by position through (lottery_id, ticket), filtering every stored slot of the lottery:
 * O(tickets issued) per ticket, under the lottery's lock (docs/benchmarks.md). With the
 * selective column first, each lookup has exactly one index that can serve it.
 */
const poolSlotLookups: Migration = {
  async up(db) {
    for (const statement of [
      sql`alter table pool_slots drop constraint pool_slots_pkey`,
      sql`alter table pool_slots add constraint pool_slots_pkey primary key (position, lottery_id)`,
      sql`drop index pool_slots_ticket`,
      sql`create index pool_slots_ticket on pool_slots (ticket, lottery_id)`,
    ]) {
      await statement.execute(db);
    }
  },
};

/** The scheduled tick forgets idempotency records by age; without this it would scan them all. */
const idempotencyByAge: Migration = {
  async up(db) {
    await sql`create index idempotency_keys_created_at on idempotency_keys (created_at)`.execute(db);
  },
};

/**
 * Entry limits read a counter by primary key instead of counting ballots: counting through
 * (lottery_id, participant_id) or (lottery_id, ip_hash) could be planned as a scan of the whole
 * lottery for a lottery the statistics had not seen yet, inside its lock (docs/benchmarks.md),
 * and those two indexes cost every ballot of every lottery, limited or not. Counters are kept
 * only for lotteries with the limit; existing ballots of such lotteries are counted here, with
 * ballots locked against inserts until the migration commits so that none is missed. Processes
 * still running older code would insert ballots without counting them: stop them before
 * deploying this migration (README, upgrading).
 */
const entryCounts: Migration = {
  async up(db) {
    for (const statement of [
      sql`lock table ballots in share row exclusive mode`,
      sql`create table entry_counts (
        lottery_id uuid not null references lotteries (id),
        holder text not null,
        tickets integer not null,
        primary key (lottery_id, holder)
      )`,
      sql`insert into entry_counts (lottery_id, holder, tickets)
        select b.lottery_id, 'participant:' || b.participant_id, count(*)
        from ballots b join lotteries l on l.id = b.lottery_id
        where l.per_participant_limit is not null and b.participant_id is not null
        group by b.lottery_id, b.participant_id`,
      sql`insert into entry_counts (lottery_id, holder, tickets)
        select b.lottery_id, 'ip:' || b.ip_hash, count(*)
        from ballots b join lotteries l on l.id = b.lottery_id
        where l.per_ip_limit is not null and b.ip_hash is not null
        group by b.lottery_id, b.ip_hash`,
      sql`drop index ballots_count_participant`,
      sql`drop index ballots_count_ip`,
    ]) {
      await statement.execute(db);
    }
  },
};

/**
 * Webhooks, the outbox of their events and one delivery row per (event, webhook), written in the
 * transaction of the change they report. Deleting a webhook deletes its deliveries; the events
 * stay (other webhooks may carry them). Due deliveries are found through a partial index.
 */
const webhooks: Migration = {
  async up(db) {
    for (const statement of [
      sql`create table webhooks (
        id uuid primary key,
        url text not null,
        events text[] not null,
        description text,
        secret text not null,
        created_at timestamptz not null
      )`,
      sql`create table webhook_events (
        id uuid primary key,
        type text not null check (type in ('lottery.closed', 'lottery.drawn', 'lottery.cancelled')),
        lottery_id uuid not null references lotteries (id),
        data text not null,
        created_at timestamptz not null
      )`,
      sql`create table webhook_deliveries (
        id uuid primary key,
        webhook_id uuid not null references webhooks (id) on delete cascade,
        event_id uuid not null references webhook_events (id),
        status text not null check (status in ('pending', 'delivered', 'failed')),
        attempts integer not null,
        last_status_code integer,
        last_error text,
        next_attempt_at timestamptz,
        delivered_at timestamptz,
        created_at timestamptz not null
      )`,
      sql`create index webhook_deliveries_due on webhook_deliveries (next_attempt_at) where status = 'pending'`,
      sql`create index webhook_deliveries_by_webhook on webhook_deliveries (webhook_id, id desc)`,
    ]) {
      await statement.execute(db);
    }
  },
};

const provider: MigrationProvider = {
  async getMigrations() {
    return {
      '0001_initial': initial,
      '0002_pool_slot_lookups': poolSlotLookups,
      '0003_idempotency_by_age': idempotencyByAge,
      '0004_entry_counts': entryCounts,
      '0005_beacon_draws': beaconDraws,
      '0006_wallets': wallets,
      '0007_webhooks': webhooks,
    };
  },
};

export async function migrateToLatest(db: Kysely<Database>): Promise<void> {
  await migrateTo(db, null);
}

/** Up to and including the named migration (null: all of them); tests of a migration use it. */
export async function migrateTo(db: Kysely<Database>, name: string | null): Promise<void> {
  // Numbers were handed out to parallel work (0005 beacon draws landed after 0006 wallets): a
  // database that already ran a later one still gets an earlier one it lacks, rather than refusing to start.
  const migrator = new Migrator({ db, provider, allowUnorderedMigrations: true });
  const { error, results } = name === null ? await migrator.migrateToLatest() : await migrator.migrateTo(name);
  const failed = results?.find((r) => r.status === 'Error');
  if (error !== undefined || failed !== undefined) {
    throw new Error(`migration ${failed?.migrationName ?? ''} failed: ${String(error)}`, { cause: error });
  }
}
