import { describe, expect, it } from 'vitest';
import { aLottery, aParticipant } from './fixtures.js';
import { createInMemoryUnitOfWork, describeRepositoryContract } from './index.js';

describeRepositoryContract('in-memory', async () => ({ uow: createInMemoryUnitOfWork(), teardown: async () => {} }));

describe('in-memory unit of work', () => {
  it('rolls back everything when the work throws', async () => {
    const uow = createInMemoryUnitOfWork();
    const lottery = aLottery();
    await expect(
      uow.run(async (repos) => {
        await repos.lotteries.add(lottery);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await uow.reads.lotteries.findById(lottery.id)).toBeNull();
  });

  it('shows uncommitted writes inside the transaction and not to reads', async () => {
    const uow = createInMemoryUnitOfWork();
    const lottery = aLottery();
    await uow.run(async (repos) => {
      await repos.lotteries.add(lottery);
      expect(await repos.lotteries.findById(lottery.id)).not.toBeNull();
      expect(await uow.reads.lotteries.findById(lottery.id)).toBeNull();
    });
    expect(await uow.reads.lotteries.findById(lottery.id)).not.toBeNull();
  });

  it('serialises concurrent transactions', async () => {
    const uow = createInMemoryUnitOfWork();
    const order: string[] = [];
    let releaseFirst = () => {};
    const first = uow.run(async () => {
      order.push('first start');
      await new Promise<void>((resolve) => {
        releaseFirst = resolve;
      });
      order.push('first end');
    });
    const second = uow.run(async () => {
      order.push('second');
    });
    await new Promise((resolve) => setImmediate(resolve));
    releaseFirst();
    await Promise.all([first, second]);
    expect(order).toEqual(['first start', 'first end', 'second']);
  });

  it('refuses repositories used after their unit of work ended', async () => {
    const uow = createInMemoryUnitOfWork();
    const escaped = await uow.run(async (repos) => repos);
    await expect(escaped.participants.add(aParticipant('late'))).rejects.toThrow(/ended/);
  });

  it('counts commits', async () => {
    const uow = createInMemoryUnitOfWork();
    await uow.run(async (repos) => repos.participants.add(aParticipant('alice')));
    await uow.reads.participants.add(aParticipant('bob'));
    expect(uow.commits).toBe(2);
  });
});
