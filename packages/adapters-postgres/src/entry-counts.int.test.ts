import { randomUUID } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from './database.js';
import type { PostgresServer } from './embedded.js';
import { migrateToLatest } from './migrations.js';
import { freshDatabase, startTestPostgres, type TestDatabase } from './testing/index.js';

// Migration 0004 replaces counting ballots with counters: a database that already holds ballots
// of limited lotteries must come out with counters that match them, and only for those limits.
let server: PostgresServer | null = null;
let database: TestDatabase | null = null;
beforeAll(async () => {
  server = await startTestPostgres();
  database = await freshDatabase(server, { migratedTo: '0003_idempotency_by_age' });
});
afterAll(async () => {
  await database?.drop();
  await server?.stop();
});

async function aLottery(db: Kysely<Database>, limits: { perParticipant: number | null; perIp: number | null }): Promise<string> {
  const id = randomUUID();
  await sql`insert into lotteries (id, name, status, created_at, seed, commitment, tickets_issued, guests, prizes, per_participant_limit, per_ip_limit)
    values (${id}, 'before 0004', 'open', now(), '\\x00'::bytea, 'c', 0, true, '[{"name":"Winner","amount":1}]'::jsonb, ${limits.perParticipant}, ${limits.perIp})`.execute(
    db,
  );
  return id;
}

async function ballots(db: Kysely<Database>, lotteryId: string, owners: [string | null, string][]): Promise<void> {
  for (const [i, [participantId, ipHash]] of owners.entries()) {
    await sql`insert into ballots (id, lottery_id, ticket_number, participant_id, ip_hash, code_hash, created_at)
      values (${randomUUID()}, ${lotteryId}, ${i + 1}, ${participantId}, ${ipHash}, 'h', now())`.execute(db);
  }
}

describe('migration 0004_entry_counts', () => {
  it('counts the existing ballots of limited lotteries, per limit, and drops the counting indexes', async () => {
    const db = database?.db ?? never();
    const alice = randomUUID();
    await sql`insert into participants (id, username, role, password_hash, created_at) values (${alice}, 'alice', 'participant', 'x', now())`.execute(
      db,
    );
    const both = await aLottery(db, { perParticipant: 5, perIp: 5 });
    const byIpOnly = await aLottery(db, { perParticipant: null, perIp: 5 });
    const unlimited = await aLottery(db, { perParticipant: null, perIp: null });
    const owners: [string | null, string][] = [
      [alice, 'ip-a'],
      [alice, 'ip-b'],
      [null, 'ip-a'],
    ];
    for (const lottery of [both, byIpOnly, unlimited]) await ballots(db, lottery, owners);

    await migrateToLatest(db);

    const { rows } = await sql<{ lottery_id: string; holder: string; tickets: number }>`
      select lottery_id, holder, tickets from entry_counts order by lottery_id, holder`.execute(db);
    const of = (lottery: string) => Object.fromEntries(rows.filter((r) => r.lottery_id === lottery).map((r) => [r.holder, r.tickets]));
    expect(of(both)).toEqual({ [`participant:${alice}`]: 2, 'ip:ip-a': 2, 'ip:ip-b': 1 });
    expect(of(byIpOnly)).toEqual({ 'ip:ip-a': 2, 'ip:ip-b': 1 });
    expect(of(unlimited)).toEqual({});
    const { rows: indexes } = await sql<{ indexname: string }>`select indexname from pg_indexes where tablename = 'ballots'`.execute(db);
    expect(indexes.map((i) => i.indexname).sort()).toEqual(['ballots_by_participant', 'ballots_lottery_ticket_key', 'ballots_pkey']);
  });
});

function never(): never {
  throw new Error('the test database was not created');
}
