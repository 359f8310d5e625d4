import type { PgClient } from './third-party.js';

/**
 * Loads that would take hours through the API are written straight into the tables, in the
 * shapes the service itself leaves behind. Ballot ids are v4 here (gen_random_uuid) rather than
 * the service's v7: nothing reads their order. Each step ends with ANALYZE, as autovacuum would
 * shortly after such a load.
 */
const CHUNK = 1_000_000;

/** `n` guest ballots numbered 1..n in an unlimited lottery, each from its own address. */
export async function loadBallots(client: PgClient, lotteryId: string, n: number, onProgress?: (done: number) => void): Promise<void> {
  for (let first = 1; first <= n; first += CHUNK) {
    const last = Math.min(n, first + CHUNK - 1);
    await client.query(
      `insert into ballots (id, lottery_id, ticket_number, participant_id, ip_hash, code_hash, created_at)
       select gen_random_uuid(), $1, t, null, md5('ip' || t), md5(random()::text), now()
       from generate_series($2::int, $3::int) t`,
      [lotteryId, first, last],
    );
    onProgress?.(last);
  }
  await client.query('update lotteries set tickets_issued = $2 where id = $1', [lotteryId, n]);
  await client.query('analyze ballots');
}

/**
 * Sells `sold` of a finite pool of `limit` tickets as the lazy Fisher-Yates pool would look
 * after random issue: every slot materialised with a random permutation of 1..limit, the
 * tickets past `limit - sold` issued (one guest ballot each), the rest still in the pool.
 */
export async function sellPool(client: PgClient, lotteryId: string, limit: number, sold: number): Promise<void> {
  await client.query('begin');
  await client.query(
    `insert into pool_slots (lottery_id, position, ticket)
     select $1, (row_number() over (order by random()))::int - 1, t from generate_series(1, $2::int) t`,
    [lotteryId, limit],
  );
  await client.query(
    `insert into ballots (id, lottery_id, ticket_number, participant_id, ip_hash, code_hash, created_at)
     select gen_random_uuid(), $1, ticket, null, md5('ip' || position), md5(random()::text), now()
     from pool_slots where lottery_id = $1 and position >= $2::int`,
    [lotteryId, limit - sold],
  );
  await client.query('update lotteries set tickets_issued = $2 where id = $1', [lotteryId, sold]);
  await client.query('commit');
  await client.query('analyze pool_slots');
  await client.query('analyze ballots');
}

/** The raw transactions' table (shaped and indexed like ballots) and ticket numbers (raw-transactions.ts). */
export async function createRawTables(client: PgClient): Promise<void> {
  await client.query('create sequence if not exists bench_ticket_numbers');
  await client.query(`create table if not exists bench_ceiling (
    id uuid primary key,
    lottery_id uuid not null,
    n integer not null,
    code_hash text not null,
    created_at timestamptz not null,
    unique (lottery_id, n)
  )`);
  // The ballots table's shape with only its two keys: no foreign keys, no secondary indexes.
  await client.query(`create table if not exists bench_bare_ballots (
    id uuid primary key,
    lottery_id uuid not null,
    ticket_number integer not null,
    participant_id uuid,
    ip_hash text,
    code_hash text not null,
    created_at timestamptz not null,
    unique (lottery_id, ticket_number)
  )`);
}
