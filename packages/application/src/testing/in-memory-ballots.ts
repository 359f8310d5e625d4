import { entryLine, type LotteryId } from '@fairdraw/domain';
import type { Ballot, BallotRepository, BallotWithOwner, EntryCountRepository, TicketPoolRepository } from '../ports/repositories.js';
import { byDesc, isNumber, isString, pageOf } from './in-memory-pages.js';
import { copy, type Session } from './in-memory-store.js';

const TEXT_CHUNK_LINES = 3;

const ticketKey = (lotteryId: string, ticket: number) => `${lotteryId}:${ticket}`;

export function inMemoryBallots(session: Session): BallotRepository {
  const store = () => {
    session.check();
    return session.store();
  };
  const ofLottery = (lotteryId: LotteryId) => [...store().ballots.values()].filter((b) => b.lotteryId === lotteryId);
  const ascending = (lotteryId: LotteryId) => ofLottery(lotteryId).sort((a, b) => a.ticketNumber - b.ticketNumber);
  const withOwner = (b: Ballot): BallotWithOwner => ({
    ...copy(b),
    username: b.participantId === null ? null : (store().participants.get(b.participantId)?.username ?? null),
  });
  return {
    async addMany(ballots) {
      const { ballots: all, tickets } = store();
      const batch = new Set<string>();
      for (const b of ballots) {
        if (all.has(b.id)) throw new Error(`ballot ${b.id} exists`);
        // PostgreSQL's foreign key on participant_id, with the same code the adapter maps it to.
        if (b.participantId !== null && !store().participants.has(b.participantId)) session.rejectAccountless();
        const key = ticketKey(b.lotteryId, b.ticketNumber);
        if (tickets.has(key) || batch.has(key)) session.reject('TICKET_TAKEN', `ticket ${b.ticketNumber} is taken`);
        batch.add(key);
      }
      for (const b of ballots) {
        all.set(b.id, copy(b));
        tickets.set(ticketKey(b.lotteryId, b.ticketNumber), b.id);
      }
    },
    async findByTicket(lotteryId, ticketNumber) {
      const id = store().tickets.get(ticketKey(lotteryId, ticketNumber));
      const found = id === undefined ? undefined : store().ballots.get(id);
      return found ? copy(found) : null;
    },
    async listByLottery(lotteryId, page) {
      const found = pageOf(
        ascending(lotteryId),
        page,
        (b) => b.ticketNumber,
        (key, cursor) => key > cursor,
        isNumber,
      );
      return { items: found.items.map(withOwner), nextCursor: found.nextCursor };
    },
    async listByParticipant(participantId, lotteryId, page) {
      const sorted = [...store().ballots.values()]
        .filter((b) => b.participantId === participantId && (lotteryId === null || b.lotteryId === lotteryId))
        .sort((a, b) => byDesc(a.id, b.id));
      const found = pageOf(
        sorted,
        page,
        (b) => b.id as string,
        (key, cursor) => key < cursor,
        isString,
      );
      return { items: found.items.map((b) => copy(b)), nextCursor: found.nextCursor };
    },
    // Chunks of a few lines, so that a consumer that assumed one chunk (or one line) fails here too.
    async *entriesText(lotteryId) {
      const lines = ascending(lotteryId).map((b) => entryLine(b.ticketNumber, b.id));
      for (let at = 0; at < lines.length; at += TEXT_CHUNK_LINES) yield lines.slice(at, at + TEXT_CHUNK_LINES).join('');
    },
    async atIndices(lotteryId, indices) {
      const entries = ascending(lotteryId);
      return indices.map((index) => {
        const ballot = entries[index];
        if (ballot === undefined) throw new RangeError(`no entry at index ${index} of ${entries.length}`);
        return withOwner(ballot);
      });
    },
  };
}

const slotKey = (lotteryId: string, position: number) => `${lotteryId}:${position}`;

export function inMemoryPools(session: Session): TicketPoolRepository {
  const slots = () => {
    session.check();
    return session.store().slots;
  };
  return {
    async readSlots(lotteryId, positions, tickets = []) {
      const found = new Map<number, number>();
      for (const position of positions) {
        const ticket = slots().get(slotKey(lotteryId, position));
        if (ticket !== undefined) found.set(position, ticket);
      }
      if (tickets.length === 0) return found;
      const wanted = new Set(tickets);
      const prefix = `${lotteryId}:`;
      for (const [key, stored] of slots()) {
        if (wanted.has(stored) && key.startsWith(prefix)) found.set(Number(key.slice(prefix.length)), stored);
      }
      return found;
    },
    async write(lotteryId, writes) {
      for (const { position, ticket } of writes) slots().set(slotKey(lotteryId, position), ticket);
    },
  };
}

export function inMemoryEntryCounts(session: Session): EntryCountRepository {
  const counts = () => {
    session.check();
    return session.store().entryCounts;
  };
  return {
    async read(lotteryId, holders) {
      return holders.map((holder) => counts().get(`${lotteryId}|${holder}`) ?? 0);
    },
    async add(lotteryId, tickets) {
      for (const [holder, n] of tickets) counts().set(`${lotteryId}|${holder}`, (counts().get(`${lotteryId}|${holder}`) ?? 0) + n);
    },
  };
}
