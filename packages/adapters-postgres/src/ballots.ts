import { setTimeout as sleep } from 'node:timers/promises';
import {
  type Ballot,
  type BallotRepository,
  type BallotWithOwner,
  decodeCursor,
  type EntryCountRepository,
  fetchSize,
  pageFrom,
  StoreUnavailable,
} from '@fairdraw/application';
import { BallotId, LotteryId, ParticipantId } from '@fairdraw/domain';
import { type Kysely, type Selectable, sql } from 'kysely';
import { isTicketKey, isUuidKey } from './cursor.js';
import type { BallotsTable, Database } from './database.js';
import { asRefusal } from './errors.js';

const toBallot = (row: Selectable<BallotsTable>): Ballot => ({
  id: BallotId(row.id),
  lotteryId: LotteryId(row.lottery_id),
  ticketNumber: row.ticket_number,
  participantId: row.participant_id === null ? null : ParticipantId(row.participant_id),
  ipHash: row.ip_hash,
  codeHash: row.code_hash,
  createdAt: row.created_at,
});

type OwnedRow = Selectable<BallotsTable> & { username: string | null };
const toOwned = (row: OwnedRow): BallotWithOwner => ({ ...toBallot(row), username: row.username });

/** Entries formatted into one text value per query while streaming them (~0.9 MB). */
const TEXT_CHUNK = 20_000;

/** Tries of a chunk that finds no connection (StoreUnavailable) before the stream fails. */
const CHUNK_TRIES = 3;

/**
 * A stream already answered 200 cannot say 503 any more: its headers are gone, and failing
 * means a truncated body. So a chunk that finds the pool busy or the database briefly away
 * waits as long as a client would be told to and tries again, a few times.
 */
async function patiently<T>(read: () => Promise<T>): Promise<T> {
  for (let tries = 1; ; tries++) {
    try {
      return await read();
    } catch (error) {
      if (!(error instanceof StoreUnavailable) || tries >= CHUNK_TRIES) throw error;
      await sleep(error.retryAfterSeconds * 1000);
    }
  }
}

export function postgresBallots(db: Kysely<Database>): BallotRepository {
  const withOwner = () =>
    db
      .selectFrom('ballots')
      .leftJoin('participants', 'participants.id', 'ballots.participant_id')
      .selectAll('ballots')
      .select('participants.username');
  return {
    async addMany(ballots) {
      if (ballots.length === 0) return;
      // One array per column: seven parameters however many rows a turn writes, where a
      // multi-row VALUES list would bind seven per row (and hit the 65,535 limit at ~9,000).
      const column = <T>(pick: (b: Ballot) => T) => ballots.map(pick);
      // The unique (lottery_id, ticket_number) constraint is the last line against a ticket issued twice.
      await asRefusal(
        sql`insert into ballots (id, lottery_id, ticket_number, participant_id, ip_hash, code_hash, created_at)
          select * from unnest(
            ${column((b) => b.id)}::uuid[], ${column((b) => b.lotteryId)}::uuid[], ${column((b) => b.ticketNumber)}::integer[],
            ${column((b) => b.participantId)}::uuid[], ${column((b) => b.ipHash)}::text[], ${column((b) => b.codeHash)}::text[],
            ${column((b) => b.createdAt.toISOString())}::timestamptz[]
          )`.execute(db),
      );
    },
    async findByTicket(lotteryId, ticketNumber) {
      const row = await db
        .selectFrom('ballots')
        .selectAll()
        .where('lottery_id', '=', lotteryId)
        .where('ticket_number', '=', ticketNumber)
        .executeTakeFirst();
      return row ? toBallot(row) : null;
    },
    async listByLottery(lotteryId, page) {
      let query = withOwner().where('ballots.lottery_id', '=', lotteryId);
      if (page.cursor !== null) query = query.where('ballots.ticket_number', '>', decodeCursor(page.cursor, isTicketKey));
      const rows = await query.orderBy('ballots.ticket_number').limit(fetchSize(page.limit)).execute();
      return pageFrom(rows, page.limit, toOwned, (row) => row.ticket_number);
    },
    async listByParticipant(participantId, lotteryId, page) {
      let query = db.selectFrom('ballots').selectAll().where('participant_id', '=', participantId);
      if (lotteryId !== null) query = query.where('lottery_id', '=', lotteryId);
      if (page.cursor !== null) query = query.where('id', '<', decodeCursor(page.cursor, isUuidKey));
      const rows = await query.orderBy('id', 'desc').limit(fetchSize(page.limit)).execute();
      return pageFrom(rows, page.limit, toBallot, (row) => row.id);
    },
    // Keyset chunks on (lottery_id, ticket_number), each its own query: memory stays constant
    // however many entries there are, and outside a transaction no connection is held between
    // chunks, so a download whose client stops reading holds none (a COPY, or a cursor, would
    // hold one for as long as the client dawdles). PostgreSQL formats each chunk into one text
    // value, so no row passes through the driver or JavaScript one at a time: what made a
    // close of 10^6 entries take seconds (docs/benchmarks.md). Entries are only streamed once
    // frozen (a closed lottery, or one past its closing instant whose lock was taken once), so
    // the chunks are consistent.
    async *entriesText(lotteryId) {
      let after = 0;
      for (;;) {
        const from = after;
        const { rows } = await patiently(() =>
          sql<{ text: string | null; last: number | null; lines: number }>`
            select string_agg(ticket_number::text || ':' || id::text || E'\n', '' order by ticket_number) as text,
              max(ticket_number) as last, count(*)::integer as lines
            from (
              select ticket_number, id from ballots
              where lottery_id = ${lotteryId} and ticket_number > ${from}
              order by ticket_number limit ${TEXT_CHUNK}
            ) chunk`.execute(db),
        );
        const chunk = rows[0];
        if (chunk?.text == null || chunk.last === null) return;
        yield chunk.text;
        if (chunk.lines < TEXT_CHUNK) return;
        after = chunk.last;
      }
    },
    async atIndices(lotteryId, indices, n) {
      if (indices.length === 0) return [];
      const byIndex = (await consecutive(lotteryId, n)) ? await byTicket(lotteryId, indices) : await byRank(lotteryId, indices);
      return indices.map((index) => {
        const row = byIndex.get(index);
        if (row === undefined) throw new RangeError(`no entry at index ${index}`);
        return toOwned(row);
      });
    },
  };

  /**
   * n distinct positive ticket numbers (the unique key) whose largest is n are exactly 1..n:
   * every lottery that numbers its tickets in order, whose entry i is ticket i + 1. One index
   * probe instead of ranking every entry (raffles, numbered from a pool, have gaps).
   */
  async function consecutive(lotteryId: LotteryId, n: number): Promise<boolean> {
    const row = await db
      .selectFrom('ballots')
      .select('ticket_number')
      .where('lottery_id', '=', lotteryId)
      .orderBy('ticket_number', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row?.ticket_number === n;
  }

  async function byTicket(lotteryId: LotteryId, indices: readonly number[]): Promise<Map<number, OwnedRow>> {
    const rows = await withOwner()
      .where('ballots.lottery_id', '=', lotteryId)
      .where('ballots.ticket_number', '=', sql<number>`any(${indices.map((index) => index + 1)}::integer[])`)
      .execute();
    return new Map(rows.map((row) => [row.ticket_number - 1, row]));
  }

  // The rank is computed over the (lottery_id, ticket_number) index alone, an index-only scan;
  // only the ranked tickets asked for are joined back to their ballots.
  async function byRank(lotteryId: LotteryId, indices: readonly number[]): Promise<Map<number, OwnedRow>> {
    const { rows } = await sql<OwnedRow & { idx: number }>`
      select b.*, p.username, ranked.idx
      from (
        select ticket_number, row_number() over (order by ticket_number) - 1 as idx
        from ballots where lottery_id = ${lotteryId}
      ) ranked
      join ballots b on b.lottery_id = ${lotteryId} and b.ticket_number = ranked.ticket_number
      left join participants p on p.id = b.participant_id
      where ranked.idx = any(${[...indices]}::bigint[])`.execute(db);
    return new Map(rows.map(({ idx, ...row }) => [Number(idx), row]));
  }
}

export function postgresEntryCounts(db: Kysely<Database>): EntryCountRepository {
  return {
    async read(lotteryId, holders) {
      if (holders.length === 0) return [];
      const rows = await db
        .selectFrom('entry_counts')
        .select(['holder', 'tickets'])
        .where('lottery_id', '=', lotteryId)
        .where('holder', 'in', holders)
        .execute();
      const found = new Map(rows.map((r) => [r.holder, r.tickets]));
      return holders.map((holder) => found.get(holder) ?? 0);
    },
    async add(lotteryId, tickets) {
      if (tickets.size === 0) return;
      await sql`insert into entry_counts (lottery_id, holder, tickets)
        select ${lotteryId}::uuid, holder, n from unnest(${[...tickets.keys()]}::text[], ${[...tickets.values()]}::integer[]) as added(holder, n)
        on conflict (lottery_id, holder) do update set tickets = entry_counts.tickets + excluded.tickets`.execute(db);
    },
  };
}
