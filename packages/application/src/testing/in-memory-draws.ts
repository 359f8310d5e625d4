import type { DrawRepository, IdempotencyRepository } from '../ports/repositories.js';
import { isStringPair, pageOf } from './in-memory-pages.js';
import { copy, type Session } from './in-memory-store.js';

export function inMemoryDraws(session: Session): DrawRepository {
  const draws = () => {
    session.check();
    return session.store().draws;
  };
  return {
    async add(draw) {
      if (draws().has(draw.lotteryId)) session.reject('ALREADY_DRAWN', 'this lottery has been drawn');
      draws().set(draw.lotteryId, copy(draw));
    },
    async findByLottery(lotteryId) {
      const found = draws().get(lotteryId);
      return found ? copy(found) : null;
    },
    async listDrawnBetween(from, to, page) {
      // Newest first; the lottery id breaks ties between draws of the same instant.
      const keyOf = (d: { drawnAt: Date; lotteryId: string }): [string, string] => [d.drawnAt.toISOString(), d.lotteryId];
      const sorted = [...draws().values()]
        .filter((d) => d.drawnAt.getTime() >= from.getTime() && d.drawnAt.getTime() < to.getTime())
        .sort((a, b) => compareKeys(keyOf(b), keyOf(a)));
      const found = pageOf(sorted, page, keyOf, (key, cursor) => compareKeys(key, cursor) < 0, isStringPair);
      return { items: found.items.map((d) => copy(d)), nextCursor: found.nextCursor };
    },
  };
}

// ISO instants of the same form compare as strings in time order.
function compareKeys(a: [string, string], b: [string, string]): number {
  if (a[0] !== b[0]) return a[0] < b[0] ? -1 : 1;
  return a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0;
}

const idempotencyKey = (scope: string, key: string) => JSON.stringify([scope, key]);

export function inMemoryIdempotency(session: Session): IdempotencyRepository {
  const records = () => {
    session.check();
    return session.store().idempotency;
  };
  const one: Pick<IdempotencyRepository, 'tryLock' | 'find' | 'save'> = {
    async tryLock(scope, key) {
      session.check();
      return session.tryLock(idempotencyKey(scope, key));
    },
    async find(scope, key) {
      const found = records().get(idempotencyKey(scope, key));
      return found ? { fingerprint: found.fingerprint, response: found.response } : null;
    },
    async save(scope, key, record, at) {
      const id = idempotencyKey(scope, key);
      if (records().has(id)) throw new Error(`idempotency key ${scope}/${key} is already saved`);
      records().set(id, { fingerprint: record.fingerprint, response: record.response, createdAt: new Date(at) });
    },
  };
  return {
    ...one,
    tryLockMany: (keys) => Promise.all(keys.map((k) => one.tryLock(k.scope, k.key))),
    findMany: (keys) => Promise.all(keys.map((k) => one.find(k.scope, k.key))),
    async saveMany(saved, at) {
      for (const { scope, key, record } of saved) await one.save(scope, key, record, at);
    },
    async forgetOlderThan(before) {
      let forgotten = 0;
      for (const [id, record] of records()) {
        if (record.createdAt < before && records().delete(id)) forgotten += 1;
      }
      return forgotten;
    },
  };
}
