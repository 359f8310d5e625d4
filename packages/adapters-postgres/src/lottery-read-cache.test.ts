import type { LotteryRepository } from '@fairdraw/application';
import { aLottery } from '@fairdraw/application/testing';
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

function never(): never {
  throw new Error('no lottery');
}
