import type { TicketPoolRepository } from '@fairdraw/application';
import type { Kysely } from 'kysely';
import type { Database } from './database.js';

export function postgresPools(db: Kysely<Database>): TicketPoolRepository {
  return {
    async readSlots(lotteryId, positions, tickets = []) {
      if (positions.length === 0 && tickets.length === 0) return new Map();
      // One statement for a whole turn: pool_slots_pkey (position, lottery_id) serves the
      // positions, pool_slots_ticket (ticket, lottery_id) the tickets (a BitmapOr of the two).
      const rows = await db
        .selectFrom('pool_slots')
        .select(['position', 'ticket'])
        .where('lottery_id', '=', lotteryId)
        .where((eb) => eb.or([eb('position', '=', eb.fn.any(eb.val([...positions]))), eb('ticket', '=', eb.fn.any(eb.val([...tickets])))]))
        .execute();
      return new Map(rows.map((row) => [row.position, row.ticket]));
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
