import { decodeCursor, fetchSize, type LotteryFilter, type LotteryRepository, pageFrom } from '@fairdraw/application';
import { isCalendarDate, Lottery, LotteryId, type LotteryState, type LotteryStatus } from '@fairdraw/domain';
import { type ExpressionBuilder, type Insertable, type Kysely, type Selectable, sql } from 'kysely';
import { isUuidKey } from './cursor.js';
import type { Database, LotteriesTable } from './database.js';
import { asRefusal, isUuid } from './errors.js';

/** The status clients see at `asOf`: past its closing instant, an open lottery is closed. */
function statusAt(status: LotteryStatus, asOf: Date | undefined) {
  return (eb: ExpressionBuilder<Database, 'lotteries'>) => {
    if (asOf === undefined || status === 'drawn' || status === 'cancelled') return eb('status', '=', status);
    const due = eb.and([eb('status', '=', 'open'), eb('closes_at', '<=', asOf)]);
    if (status === 'closed') return eb.or([eb('status', '=', 'closed'), due]);
    return eb.and([eb('status', '=', 'open'), eb.or([eb('closes_at', 'is', null), eb('closes_at', '>', asOf)])]);
  };
}

function toLottery(row: Selectable<LotteriesTable>): Lottery {
  return Lottery.restore({
    id: LotteryId(row.id),
    name: row.name,
    status: row.status,
    closesOn: row.closes_on,
    closesAt: row.closes_at,
    ticketLimit: row.ticket_limit,
    ticketsIssued: row.tickets_issued,
    prizes: row.prizes,
    entry: { guests: row.guests, perParticipantLimit: row.per_participant_limit, perIpLimit: row.per_ip_limit },
    ticketPrice: row.ticket_price,
    currency: row.currency,
    seed: new Uint8Array(row.seed),
    commitment: row.commitment,
    entriesDigest: row.entries_digest,
    entryCount: row.entry_count,
    createdAt: row.created_at,
    closedAt: row.closed_at,
    drawnAt: row.drawn_at,
    beacon: row.beacon,
  });
}

function toRow(s: LotteryState): Insertable<LotteriesTable> {
  return {
    id: s.id,
    name: s.name,
    status: s.status,
    closes_on: s.closesOn,
    closes_at: s.closesAt,
    ticket_limit: s.ticketLimit,
    tickets_issued: s.ticketsIssued,
    prizes: JSON.stringify(s.prizes),
    guests: s.entry.guests,
    per_participant_limit: s.entry.perParticipantLimit,
    per_ip_limit: s.entry.perIpLimit,
    ticket_price: s.ticketPrice,
    currency: s.currency,
    seed: Buffer.from(s.seed),
    commitment: s.commitment,
    entries_digest: s.entriesDigest,
    entry_count: s.entryCount,
    created_at: s.createdAt,
    closed_at: s.closedAt,
    drawn_at: s.drawnAt,
    algorithm: s.beacon ? 'fairdraw-v2' : 'fairdraw-v1',
    beacon: s.beacon ? JSON.stringify(s.beacon) : null,
  };
}

export function postgresLotteries(db: Kysely<Database>): LotteryRepository {
  const byId = (id: string) => db.selectFrom('lotteries').selectAll().where('id', '=', id);
  // `in ()` is not valid SQL, and a malformed id would fail the whole query's uuid cast.
  const validIds = (ids: readonly string[]) => [...new Set(ids)].filter(isUuid);
  const byIds = (ids: readonly string[]) => db.selectFrom('lotteries').selectAll().where('id', 'in', ids);
  const mapped = (rows: Selectable<LotteriesTable>[]) => new Map(rows.map((row) => [LotteryId(row.id), toLottery(row)]));
  return {
    async add(lottery) {
      await asRefusal(db.insertInto('lotteries').values(toRow(lottery.toState())).execute());
    },
    async findById(id) {
      if (!isUuid(id)) return null;
      const row = await byId(id).executeTakeFirst();
      return row ? toLottery(row) : null;
    },
    async findByIds(ids) {
      const valid = validIds(ids);
      return valid.length === 0 ? new Map() : mapped(await byIds(valid).execute());
    },
    // A ballot insert takes only KEY SHARE on its lottery, which does not conflict with a close's
    // update: FOR UPDATE here is what makes closes and ballots wait for each other.
    async lock(id) {
      if (!isUuid(id)) return null;
      const row = await byId(id).forUpdate().executeTakeFirst();
      return row ? toLottery(row) : null;
    },
    // ORDER BY under FOR UPDATE: the rows are locked as the sort hands them up, in id order.
    async lockMany(ids) {
      const valid = validIds(ids);
      return valid.length === 0 ? new Map() : mapped(await byIds(valid).orderBy('id').forUpdate().execute());
    },
    async findByClosingDate(date) {
      if (!isCalendarDate(date)) return null;
      const row = await db.selectFrom('lotteries').selectAll().where('closes_on', '=', date).executeTakeFirst();
      return row ? toLottery(row) : null;
    },
    async save(lottery) {
      const { id, ...changes } = toRow(lottery.toState());
      const result = await asRefusal(db.updateTable('lotteries').set(changes).where('id', '=', id).executeTakeFirst());
      if (result.numUpdatedRows === 0n) throw new Error(`lottery ${id} does not exist`);
    },
    async saveMany(lotteries) {
      if (lotteries.length === 0) return;
      const states = lotteries.map((lottery) => lottery.toState());
      const column = <T>(pick: (s: LotteryState) => T) => states.map(pick);
      const { rows } = await asRefusal(
        sql<{ id: string }>`update lotteries l
          set status = u.status, tickets_issued = u.tickets_issued, closed_at = u.closed_at, beacon = u.beacon,
            entries_digest = u.entries_digest, entry_count = u.entry_count, drawn_at = u.drawn_at
          from unnest(
            ${column((s) => s.id)}::uuid[], ${column((s) => s.status)}::text[], ${column((s) => s.ticketsIssued)}::integer[],
            ${column((s) => s.closedAt?.toISOString() ?? null)}::timestamptz[], ${column((s) => (s.beacon ? JSON.stringify(s.beacon) : null))}::jsonb[],
            ${column((s) => s.entriesDigest)}::text[], ${column((s) => s.entryCount)}::integer[],
            ${column((s) => s.drawnAt?.toISOString() ?? null)}::timestamptz[]
          ) as u(id, status, tickets_issued, closed_at, beacon, entries_digest, entry_count, drawn_at)
          where l.id = u.id
          returning l.id`.execute(db),
      );
      if (rows.length !== new Set(states.map((s) => s.id)).size) throw new Error('a saved lottery does not exist');
    },
    async list(filter: LotteryFilter, page) {
      let query = db.selectFrom('lotteries').selectAll();
      if (filter.status !== undefined) query = query.where(statusAt(filter.status, filter.asOf));
      if (filter.closesFrom !== undefined) query = query.where('closes_on', '>=', filter.closesFrom);
      if (filter.closesTo !== undefined) query = query.where('closes_on', '<=', filter.closesTo);
      if (page.cursor !== null) query = query.where('id', '<', decodeCursor(page.cursor, isUuidKey));
      const rows = await query.orderBy('id', 'desc').limit(fetchSize(page.limit)).execute();
      return pageFrom(rows, page.limit, toLottery, (row) => row.id);
    },
    async findUndrawnDue(at) {
      const rows = await db
        .selectFrom('lotteries')
        .select('id')
        .where('status', '<>', 'drawn')
        // The schedule skips cancelled lotteries (kept apart so the partial index still applies).
        .where('status', '<>', 'cancelled')
        .where('closes_at', '<=', at)
        .orderBy('id')
        .execute();
      return rows.map((row) => LotteryId(row.id));
    },
    async closingDatesBetween(from, to) {
      const rows = await db
        .selectFrom('lotteries')
        .select('closes_on')
        .where('closes_on', '>=', from)
        .where('closes_on', '<=', to)
        .orderBy('closes_on')
        .execute();
      return rows.flatMap((row) => (row.closes_on === null ? [] : [row.closes_on]));
    },
  };
}
