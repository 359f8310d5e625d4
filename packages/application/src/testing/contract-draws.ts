import { BallotId } from '@fairdraw/domain';
import { describe, expect, it } from 'vitest';
import type { DrawRecord, UnitOfWork } from '../ports/repositories.js';
import { aDraw, aLottery, allPages, stored } from './fixtures.js';

export function drawsContract(uow: () => UnitOfWork): void {
  const addDraw = async (drawnAt: Date, winners: DrawRecord['winners'] = []) => {
    const lottery = await stored(uow(), aLottery());
    const draw = aDraw(lottery.id, drawnAt, winners);
    await uow().run((repos) => repos.draws.add(draw));
    return draw;
  };

  describe('draws', () => {
    it('stores a draw with its winners and finds it by lottery', async () => {
      const winner = { rank: 1, prize: 'Car', ticketNumber: 7, ballotId: BallotId('0190a0b0-0000-7000-8000-000000000001'), username: null };
      const draw = await addDraw(new Date('2030-01-11T00:00:00.000Z'), [winner]);
      expect(await uow().reads.draws.findByLottery(draw.lotteryId)).toEqual(draw);
      expect(await uow().reads.draws.findByLottery(aLottery().id)).toBeNull();
    });

    it('stores the beacon round of a fairdraw-v2 draw', async () => {
      const lottery = await stored(uow(), aLottery());
      const beacon = { chainHash: 'e'.repeat(64), round: 30_662_982, signature: '8b'.repeat(48), randomness: 'ae'.repeat(32) };
      const draw: DrawRecord = { ...aDraw(lottery.id, new Date('2030-01-11T00:00:00.000Z')), algorithm: 'fairdraw-v2', beacon };
      await uow().run((repos) => repos.draws.add(draw));
      expect(await uow().reads.draws.findByLottery(lottery.id)).toEqual(draw);
    });

    it('rejects a second draw of a lottery with ALREADY_DRAWN', async () => {
      const draw = await addDraw(new Date('2030-01-11T00:00:00.000Z'));
      await expect(uow().run((repos) => repos.draws.add({ ...draw, randomness: 'f'.repeat(64) }))).rejects.toMatchObject({
        code: 'ALREADY_DRAWN',
      });
      expect((await uow().reads.draws.findByLottery(draw.lotteryId))?.randomness).toBe(draw.randomness);
    });

    it('lists the draws made in [from, to), newest first, page by page, ties included', async () => {
      const from = new Date('2030-01-11T00:00:00.000Z');
      const to = new Date('2030-01-12T00:00:00.000Z');
      const noon = new Date('2030-01-11T12:00:00.000Z');
      await addDraw(new Date(from.getTime() - 1));
      const atFrom = await addDraw(from);
      const tied = [await addDraw(noon), await addDraw(noon), await addDraw(noon)];
      const late = await addDraw(new Date(to.getTime() - 1));
      await addDraw(to);
      const pages = await allPages((page) => uow().reads.draws.listDrawnBetween(from, to, page), 2);
      expect(pages.map((p) => p.length)).toEqual([2, 2, 1]);
      const tiedNewestFirst = tied
        .map((d) => d.lotteryId)
        .sort()
        .reverse();
      expect(pages.flat().map((d) => d.lotteryId)).toEqual([late.lotteryId, ...tiedNewestFirst, atFrom.lotteryId]);
    });
  });

  describe('idempotency keys', () => {
    it('forgets records saved before an instant, and only those', async () => {
      const old = new Date('2030-01-01T00:00:00.000Z');
      const recent = new Date('2030-01-02T00:00:00.000Z');
      await uow().run((repos) => repos.idempotency.save('ballots', 'old', { fingerprint: 'f', response: '{}' }, old));
      await uow().run((repos) => repos.idempotency.save('ballots', 'recent', { fingerprint: 'f', response: '{}' }, recent));
      expect(await uow().run((repos) => repos.idempotency.forgetOlderThan(recent))).toBe(1);
      expect(await uow().reads.idempotency.find('ballots', 'old')).toBeNull();
      expect(await uow().reads.idempotency.find('ballots', 'recent')).not.toBeNull();
    });

    it('saves a response under a scope and key, and finds it again', async () => {
      expect(await uow().reads.idempotency.find('lotteries', 'key-1')).toBeNull();
      await uow().run((repos) => repos.idempotency.save('lotteries', 'key-1', { fingerprint: 'f1', response: '{"a":1}' }, new Date()));
      expect(await uow().reads.idempotency.find('lotteries', 'key-1')).toEqual({ fingerprint: 'f1', response: '{"a":1}' });
      expect(await uow().reads.idempotency.find('ballots', 'key-1')).toBeNull();
    });

    it('holds a key’s lock until the transaction ends', async () => {
      await uow().run(async (repos) => {
        expect(await repos.idempotency.tryLock('lotteries', 'key-1')).toBe(true);
        expect(await repos.idempotency.tryLock('lotteries', 'key-1')).toBe(true);
        expect(await uow().reads.idempotency.tryLock('lotteries', 'key-1')).toBe(false);
        expect(await uow().reads.idempotency.tryLock('lotteries', 'key-2')).toBe(true);
        expect(await uow().reads.idempotency.tryLock('ballots', 'key-1')).toBe(true);
      });
      expect(await uow().reads.idempotency.tryLock('lotteries', 'key-1')).toBe(true);
    });

    it('locks, finds and saves several keys at once, answering in the order asked', async () => {
      const a = { scope: 'participant:a', key: 'k' };
      const b = { scope: 'participant:b', key: 'k' };
      const c = { scope: 'participant:a', key: 'it\'s, (odd) "quoted"' };
      const at = new Date('2030-01-10T12:00:00.000Z');
      await uow().run(async (repos) => {
        expect(await repos.idempotency.tryLockMany([a, b, a])).toEqual([true, true, true]);
        expect(await uow().reads.idempotency.tryLockMany([c, b])).toEqual([true, false]);
        await repos.idempotency.saveMany(
          [
            { ...a, record: { fingerprint: 'fa', response: '{"a":1}' } },
            { ...c, record: { fingerprint: 'fc', response: '{"c":3}' } },
          ],
          at,
        );
        expect(await repos.idempotency.findMany([c, b, a])).toEqual([
          { fingerprint: 'fc', response: '{"c":3}' },
          null,
          { fingerprint: 'fa', response: '{"a":1}' },
        ]);
      });
      expect(await uow().reads.idempotency.find(a.scope, a.key)).toEqual({ fingerprint: 'fa', response: '{"a":1}' });
      expect(await uow().reads.idempotency.tryLockMany([])).toEqual([]);
      expect(await uow().reads.idempotency.findMany([])).toEqual([]);
      // Saved at `at`: forgotten with anything older than a moment later.
      expect(await uow().run((repos) => repos.idempotency.forgetOlderThan(new Date(at.getTime() + 1)))).toBeGreaterThanOrEqual(2);
    });
  });
}
