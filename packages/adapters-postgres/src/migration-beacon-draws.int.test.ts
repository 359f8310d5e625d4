import { randomUUID } from 'node:crypto';
import { LotteryId } from '@fairdraw/domain';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresDraws } from './draws.js';
import type { PostgresServer } from './embedded.js';
import { postgresLotteries } from './lotteries.js';
import { migrateToLatest } from './migrations.js';
import { freshDatabase, startTestPostgres, type TestDatabase } from './testing/index.js';

// Migration 0005 adds fairdraw-v2's columns: lotteries and draws stored before it stay fairdraw-v1.
let server: PostgresServer | null = null;
let database: TestDatabase | null = null;
beforeAll(async () => {
  server = await startTestPostgres();
  database = await freshDatabase(server, { migratedTo: '0004_entry_counts' });
});
afterAll(async () => {
  await database?.drop();
  await server?.stop();
});

describe('migration 0005_beacon_draws', () => {
  it('leaves existing lotteries and draws fairdraw-v1 with no beacon, and refuses a v2 lottery without one', async () => {
    const db = database?.db ?? (undefined as never);
    const id = randomUUID();
    await sql`insert into lotteries (id, name, status, created_at, seed, commitment, tickets_issued, guests, prizes, entries_digest, entry_count, closed_at, drawn_at)
      values (${id}, 'before 0005', 'drawn', now(), ${Buffer.alloc(32)}, 'c', 0, false, '[{"name":"Winner","amount":1}]'::jsonb, 'd', 0, now(), now())`.execute(
      db,
    );
    await sql`insert into draws (lottery_id, drawn_at, algorithm, commitment, seed, entries_digest, n, randomness, winners)
      values (${id}, now(), 'fairdraw-v1', 'c', 's', 'd', 0, 'r', '[]'::jsonb)`.execute(db);

    await migrateToLatest(db);

    const lottery = await postgresLotteries(db).findById(LotteryId(id));
    expect(lottery?.algorithm).toBe('fairdraw-v1');
    expect(lottery?.toState().beacon).toBeNull();
    const draw = await postgresDraws(db).findByLottery(LotteryId(id));
    expect(draw?.algorithm).toBe('fairdraw-v1');
    expect(draw).not.toHaveProperty('beacon');
    await expect(sql`update lotteries set algorithm = 'fairdraw-v2' where id = ${id}`.execute(db)).rejects.toThrow(
      /lotteries_v2_has_beacon/,
    );
  });

  it('runs on a database that already ran 0006 (numbers landed out of order)', async () => {
    const later = await freshDatabase(server ?? (undefined as never), { migratedTo: '0004_entry_counts' });
    try {
      const { migrateTo } = await import('./migrations.js');
      // As a database that ran main between 0006 landing and 0005: 0006 applied, 0005 not.
      await migrateToLatest(later.db);
      await sql`delete from kysely_migration where name = '0005_beacon_draws'`.execute(later.db);
      await sql`alter table draws drop column beacon`.execute(later.db);
      await sql`alter table lotteries drop constraint lotteries_v2_has_beacon`.execute(later.db);
      await sql`alter table lotteries drop column beacon`.execute(later.db);
      await sql`alter table lotteries drop column algorithm`.execute(later.db);
      await migrateTo(later.db, null);
      const { rows } = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(later.db);
      expect(rows.map((r) => r.name)).toContain('0005_beacon_draws');
    } finally {
      await later.drop();
    }
  });
});
