import { Lottery, type LotteryId, type LotteryState } from '@fairdraw/domain';
import type { LotteryFilter, LotteryRepository } from '../ports/repositories.js';
import { byDesc, isString, pageOf } from './in-memory-pages.js';
import { copy, type Session } from './in-memory-store.js';

export function inMemoryLotteries(session: Session): LotteryRepository {
  const lotteries = () => {
    session.check();
    return session.store().lotteries;
  };
  const restore = (state: LotteryState | undefined) => (state ? Lottery.restore(copy(state)) : null);
  const takenDate = (state: LotteryState) => {
    for (const other of lotteries().values()) {
      if (other.id !== state.id && state.closesOn !== null && other.closesOn === state.closesOn) return true;
    }
    return false;
  };
  const byIds = (ids: readonly LotteryId[]) => {
    const found = new Map<LotteryId, Lottery>();
    for (const id of ids) {
      const lottery = restore(lotteries().get(id));
      if (lottery !== null) found.set(id, lottery);
    }
    return found;
  };
  return {
    async add(lottery) {
      const state = lottery.toState();
      if (lotteries().has(state.id)) throw new Error(`lottery ${state.id} exists`);
      if (takenDate(state)) session.reject('CLOSING_DATE_TAKEN', `a lottery already closes on ${state.closesOn}`);
      lotteries().set(state.id, copy(state));
    },
    async findById(id) {
      return restore(lotteries().get(id));
    },
    findByIds: async (ids) => byIds(ids),
    // Outermost runs are serialised, so holding the transaction already holds every row lock.
    async lock(id) {
      return restore(lotteries().get(id));
    },
    lockMany: async (ids) => byIds(ids),
    async findByClosingDate(date) {
      return restore([...lotteries().values()].find((l) => l.closesOn === date));
    },
    async save(lottery) {
      const state = lottery.toState();
      if (!lotteries().has(state.id)) throw new Error(`lottery ${state.id} does not exist`);
      if (takenDate(state)) session.reject('CLOSING_DATE_TAKEN', `a lottery already closes on ${state.closesOn}`);
      lotteries().set(state.id, copy(state));
    },
    async saveMany(saved) {
      for (const lottery of saved) {
        const state = lottery.toState();
        const stored = lotteries().get(state.id);
        if (stored === undefined) throw new Error(`lottery ${state.id} does not exist`);
        const { status, ticketsIssued, closedAt, beacon, entriesDigest, entryCount, drawnAt } = state;
        lotteries().set(state.id, copy({ ...stored, status, ticketsIssued, closedAt, beacon, entriesDigest, entryCount, drawnAt }));
      }
    },
    async list(filter, page) {
      const sorted = [...lotteries().values()].filter((l) => matches(l, filter)).sort((a, b) => byDesc(a.id, b.id));
      const found = pageOf(
        sorted,
        page,
        (l) => l.id as string,
        (key, cursor) => key < cursor,
        isString,
      );
      return { items: found.items.map((l) => Lottery.restore(copy(l))), nextCursor: found.nextCursor };
    },
    async findUndrawnDue(at) {
      return [...lotteries().values()]
        .filter((l) => l.status !== 'drawn' && l.status !== 'cancelled' && l.closesAt !== null && l.closesAt.getTime() <= at.getTime())
        .map((l) => l.id)
        .sort() as LotteryId[];
    },
    async closingDatesBetween(from, to) {
      return [...lotteries().values()]
        .flatMap((l) => (l.closesOn !== null && l.closesOn >= from && l.closesOn <= to ? [l.closesOn] : []))
        .sort();
    },
  };
}

function matches(l: LotteryState, filter: LotteryFilter): boolean {
  if (filter.status !== undefined) {
    const status = filter.asOf === undefined ? l.status : Lottery.restore(l).statusAt(filter.asOf);
    if (status !== filter.status) return false;
  }
  if (filter.closesFrom !== undefined && (l.closesOn === null || l.closesOn < filter.closesFrom)) return false;
  if (filter.closesTo !== undefined && (l.closesOn === null || l.closesOn > filter.closesTo)) return false;
  return true;
}
