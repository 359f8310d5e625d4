import type { TicketPoolRepository } from '@fairdraw/application';
import type { Kysely } from 'kysely';
import type { Database } from './database.js';

export function postgresPools(db: Kysely<Database>): TicketPoolRepository {
  return {
    async readSlots(lotteryId, positions) {
      if (positions.length === 0) return new Map();
      const rows = await db
        .selectFrom('pool_slots')
        .select(['position', 'ticket'])
        .where('lottery_id', '=', lotteryId)
        .where('position', 'in', [...positions])
        .execute();
      return new Map(rows.map((row) => [row.position, row.ticket]));
    },
    async positionOf(lotteryId, ticket) {
      const row = await db
        .selectFrom('pool_slots')
        .select('position')
        .where('lottery_id', '=', lotteryId)
        .where('ticket', '=', ticket)
        .executeTakeFirst();
      return row?.position ?? null;
    },
    async write(lotteryId, writes) {
      // One statement may not upsert a row twice: keep the last write per position.
      const last = new Map(writes.map((w) => [w.position, w.ticket]));
      if (last.size === 0) return;
      await db
        .insertInto('pool_slots')
        .values([...last].map(([position, ticket]) => ({ lottery_id: lotteryId, position, ticket })))
        .onConflict((oc) => oc.columns(['lottery_id', 'position']).doUpdateSet((eb) => ({ ticket: eb.ref('excluded.ticket') })))
        .execute();
    },
  };
}
