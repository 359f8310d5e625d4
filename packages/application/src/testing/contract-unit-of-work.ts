import { setTimeout as sleep } from 'node:timers/promises';
import { DomainError } from '@fairdraw/domain';
import { describe, expect, it } from 'vitest';
import type { UnitOfWork } from '../ports/repositories.js';
import { aLottery, aParticipant, NOW, stored } from './fixtures.js';

export function unitOfWorkContract(uow: () => UnitOfWork): void {
  describe('unit of work', () => {
    it('commits what the work wrote when it resolves, and returns its value', async () => {
      const lottery = aLottery();
      const value = await uow().run(async (repos) => {
        await repos.lotteries.add(lottery);
        return 42;
      });
      expect(value).toBe(42);
      expect(await uow().reads.lotteries.findById(lottery.id)).not.toBeNull();
    });

    it('rolls back everything when the work throws, and rethrows the same error', async () => {
      const lottery = aLottery();
      const alice = aParticipant('alice');
      const boom = new Error('boom');
      const failed = uow().run(async (repos) => {
        await repos.lotteries.add(lottery);
        await repos.participants.add(alice);
        throw boom;
      });
      await expect(failed).rejects.toBe(boom);
      expect(await uow().reads.lotteries.findById(lottery.id)).toBeNull();
      expect(await uow().reads.participants.findById(alice.id)).toBeNull();
    });

    it('keeps uncommitted writes visible inside the transaction and hidden from reads', async () => {
      const lottery = aLottery();
      await uow().run(async (repos) => {
        await repos.lotteries.add(lottery);
        expect(await repos.lotteries.findById(lottery.id)).not.toBeNull();
        expect(await uow().reads.lotteries.findById(lottery.id)).toBeNull();
      });
      expect(await uow().reads.lotteries.findById(lottery.id)).not.toBeNull();
    });

    it('lets a nested run join the open transaction, so an outer throw undoes it too', async () => {
      const inner = aLottery();
      await expect(
        uow().run(async (outer) => {
          await uow().run((repos) => repos.lotteries.add(inner));
          expect(await outer.lotteries.findById(inner.id)).not.toBeNull();
          throw new Error('outer fails after the nested run');
        }),
      ).rejects.toThrow('outer fails');
      expect(await uow().reads.lotteries.findById(inner.id)).toBeNull();
    });

    it('aborts the whole transaction on a unique violation, even when the work swallows the error', async () => {
      await stored(uow(), aParticipant('taken'));
      const lottery = aLottery();
      const swallowed = uow().run(async (repos) => {
        await repos.lotteries.add(lottery);
        await expect(repos.participants.add(aParticipant('TAKEN'))).rejects.toMatchObject({ code: 'USERNAME_TAKEN' });
        await expect(repos.lotteries.findById(lottery.id)).rejects.toThrow(/aborted/);
      });
      // A use case must let such an error end the unit of work, not carry on inside it.
      await expect(swallowed).rejects.toThrow(/rolled back/);
      expect(await uow().reads.lotteries.findById(lottery.id)).toBeNull();
    });

    it('makes a second locker wait for the first and see its committed change', async () => {
      const lottery = await stored(uow(), aLottery());
      let signal = () => {};
      const firstHoldsLock = new Promise<void>((resolve) => {
        signal = resolve;
      });
      const first = uow().run(async (repos) => {
        const locked = await repos.lotteries.lock(lottery.id);
        signal();
        // Give the second transaction time to reach its lock; whatever the timing, it must see
        // the close below, because it cannot read the row before this transaction ends.
        await sleep(50);
        locked?.close(NOW);
        if (locked) await repos.lotteries.save(locked);
      });
      await firstHoldsLock;
      const second = uow().run(async (repos) => {
        const seen = await repos.lotteries.lock(lottery.id);
        seen?.close(NOW);
      });
      // Handled at once: the second may reject before `await first` resumes, and a rejection
      // nobody has yet awaited is reported by Vitest as unhandled, failing the run.
      const refusal = second.then(
        () => null,
        (error: unknown) => error,
      );
      await first;
      expect(await refusal).toBeInstanceOf(DomainError);
      expect(await refusal).toMatchObject({ code: 'ALREADY_CLOSED' });
    });

    it('returns null when locking a lottery that does not exist', async () => {
      expect(await uow().run((repos) => repos.lotteries.lock(aLottery().id))).toBeNull();
    });
  });
}
