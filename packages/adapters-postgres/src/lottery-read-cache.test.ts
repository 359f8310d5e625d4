import type { LotteryFilter, LotteryRepository } from '@fairdraw/application';
import { NOW as AT, aLottery } from '@fairdraw/application/testing';
import { Lottery, type LotteryId } from '@fairdraw/domain';
import { describe, expect, it } from 'vitest';
import { LotteryReadCache, noticingWrites } from './lottery-read-cache.js';

/** A store of one lottery that counts its reads and can hold one until released. */
function oneLottery(lottery: Lottery) {
  let stored = lottery.toState();
  let reads = 0;
  let hold: Promise<void> | null = null;
  const repository = {
    findById: async (id: LotteryId) => {
      reads += 1;
      const seen = stored;
      if (hold) await hold;
      return id.toLowerCase() === seen.id ? Lottery.restore(seen) : null;
    },
    save: async (saved: Lottery) => {
      stored = saved.toState();
    },
  } as unknown as LotteryRepository;
  return {
    repository,
    reads: () => reads,
    holdNextRead: () => {
      let release = () => {};
      hold = new Promise<void>((resolve) => {
        release = resolve;
      });
      return () => {
        hold = null;
        release();
      };
    },
  };
}

const NOW = new Date();

/** A cache that never expires by itself (its clock stands still) over a store of one lottery. */
function cachedLottery() {
  const cache = new LotteryReadCache(60_000, () => 0);
  const lottery = aLottery();
  const store = oneLottery(lottery);
  return { cache, lottery, store, reads: cache.reading(store.repository) };
}

describe('the lottery read cache', () => {
  it('answers a read from memory until its time is up, then reads again', async () => {
    let now = 0;
    const lottery = aLottery();
    const store = oneLottery(lottery);
    const reads = new LotteryReadCache(250, () => now).reading(store.repository);
    expect((await reads.findById(lottery.id))?.toState()).toEqual(lottery.toState());
    now = 249;
    expect((await reads.findById(lottery.id.toUpperCase() as LotteryId))?.toState()).toEqual(lottery.toState());
    expect(store.reads()).toBe(1);
    now = 250;
    await reads.findById(lottery.id);
    expect(store.reads()).toBe(2);
  });

  it('forgets what a transaction wrote, so the writer’s next read sees it', async () => {
    const { cache, lottery, store, reads } = cachedLottery();
    await reads.findById(lottery.id);
    const written = new Set<LotteryId>();
    const closed = (await reads.findById(lottery.id)) ?? never();
    closed.close(NOW);
    await noticingWrites(store.repository, written).save(closed);
    expect([...written]).toEqual([lottery.id]);
    cache.forget(written);
    expect((await reads.findById(lottery.id))?.toState().status).toBe('closed');
    expect(store.reads()).toBe(2);
  });

  it('does not keep a read that a commit overtook: it may hold the row as it was before', async () => {
    const { cache, lottery, store, reads } = cachedLottery();
    const release = store.holdNextRead();
    const racing = reads.findById(lottery.id);
    const closed = lottery.toState();
    await store.repository.save(Lottery.restore({ ...closed, status: 'closed', closedAt: NOW }));
    cache.forget([lottery.id]);
    release();
    expect((await racing)?.toState().status).toBe('open');
    expect((await reads.findById(lottery.id))?.toState().status).toBe('closed');
  });

  it('hands each caller an aggregate of its own', async () => {
    const { lottery, reads } = cachedLottery();
    const first = (await reads.findById(lottery.id)) ?? never();
    first.close(NOW);
    expect((await reads.findById(lottery.id))?.toState().status).toBe('open');
  });

  it('is off at 0 ms: the repository itself', () => {
    const store = oneLottery(aLottery());
    expect(new LotteryReadCache(0).reading(store.repository)).toBe(store.repository);
  });
});

/** A store that lists what it is given, counting the lists it answers. */
function listing(lotteries: readonly Lottery[]) {
  let lists = 0;
  const repository = {
    list: async (filter: LotteryFilter) => {
      lists += 1;
      const asOf = filter.asOf?.getTime() ?? 0;
      const open = (l: Lottery) =>
        l.toState().status === 'open' && (l.toState().closesAt === null || (l.toState().closesAt?.getTime() ?? 0) > asOf);
      return { items: lotteries.filter((l) => filter.status === undefined || open(l)), nextCursor: null };
    },
  } as unknown as LotteryRepository;
  return { repository, lists: () => lists };
}

describe('the lottery read cache, for pages', () => {
  const page = { limit: 20, cursor: null };
  const soon = new Date(AT.getTime() + 60_000);

  it('answers ?status=open from memory until one of its lotteries reaches its closing instant', async () => {
    const closing = aLottery({ closesAt: soon });
    const store = listing([aLottery(), closing]);
    const reads = new LotteryReadCache(60_000, () => 0).reading(store.repository);
    const open = (asOf: Date) => reads.list({ status: 'open', asOf }, page);
    expect((await open(AT)).items).toHaveLength(2);
    expect((await open(new Date(soon.getTime() - 1))).items).toHaveLength(2);
    expect(store.lists()).toBe(1);
    expect((await open(soon)).items.map((l) => l.id)).not.toContain(closing.id);
    expect(store.lists()).toBe(2);
  });

  it('reads again once its time is up, after any write of this process, and for a clock that went back', async () => {
    let now = 0;
    const store = listing([aLottery()]);
    const cache = new LotteryReadCache(250, () => now);
    const reads = cache.reading(store.repository);
    const open = (asOf: Date) => reads.list({ status: 'open', asOf }, page);
    await open(AT);
    await open(AT);
    expect(store.lists()).toBe(1);
    now = 250;
    await open(AT);
    expect(store.lists()).toBe(2);
    cache.forget([]);
    await open(AT);
    expect(store.lists()).toBe(3);
    await open(new Date(AT.getTime() - 1));
    expect(store.lists()).toBe(4);
  });

  it('keeps pages apart by filter and page, and never keeps ?status=closed, which time adds to', async () => {
    const store = listing([aLottery()]);
    const reads = new LotteryReadCache(60_000, () => 0).reading(store.repository);
    await reads.list({ status: 'open', asOf: AT }, page);
    await reads.list({ asOf: AT }, page);
    await reads.list({ status: 'open', asOf: AT }, { limit: 5, cursor: null });
    expect(store.lists()).toBe(3);
    await reads.list({ status: 'closed', asOf: AT }, page);
    await reads.list({ status: 'closed', asOf: AT }, page);
    expect(store.lists()).toBe(5);
  });
});

function never(): never {
  throw new Error('no lottery');
}
