import { DomainError, Lottery, type LotteryId } from '@fairdraw/domain';
import { describe, expect, it } from 'vitest';
import type { UnitOfWork } from '../ports/repositories.js';
import { aLottery, allPages, aParticipant, NOW, stored } from './fixtures.js';

const drawn = (lottery: Lottery) => Lottery.restore({ ...lottery.toState(), status: 'drawn', drawnAt: NOW });

export function lotteriesContract(uow: () => UnitOfWork): void {
  describe('lotteries', () => {
    it('stores every field of a lottery, the secret seed included', async () => {
      const lottery = await stored(
        uow(),
        aLottery({
          closesOn: '2030-02-01',
          ticketLimit: 50,
          prizes: [
            { name: 'Car', amount: 1 },
            { name: 'Mug', amount: 3 },
          ],
        }),
      );
      const found = await uow().reads.lotteries.findById(lottery.id);
      expect(found?.toState()).toEqual(lottery.toState());
      expect(found?.toState().seed).toBeInstanceOf(Uint8Array);
      expect(await uow().reads.lotteries.findById(aLottery().id)).toBeNull();
      expect(await uow().reads.lotteries.findById('nope' as LotteryId)).toBeNull();
    });

    it('stores a fairdraw-v2 lottery with its pinned beacon, and the round fixed at its close', async () => {
      const chain = { chainHash: 'e'.repeat(64), publicKey: 'f'.repeat(192), period: 3, genesisTime: 1_692_803_367 };
      const lottery = Lottery.open({
        ...aLottery().toState(),
        seed: aLottery().toState().seed,
        now: NOW,
        timeZone: 'UTC',
        beacon: { chain, marginS: 10 },
      });
      await stored(uow(), lottery);
      const found = await uow().reads.lotteries.findById(lottery.id);
      expect(found?.algorithm).toBe('fairdraw-v2');
      expect(found?.toState().beacon).toEqual({ ...chain, marginS: 10, round: null });
      await uow().run(async (repos) => {
        const locked = await repos.lotteries.lock(lottery.id);
        locked?.close(NOW);
        if (locked) await repos.lotteries.save(locked);
      });
      const closed = await uow().reads.lotteries.findById(lottery.id);
      expect(closed?.beaconRound?.round).toBeGreaterThan(1);
      expect(closed?.toState()).toEqual({ ...lottery.toState(), status: 'closed', closedAt: NOW, beacon: closed?.toState().beacon });
    });

    it('finds several lotteries by id in one read, leaving out unknown and malformed ids', async () => {
      const first = await stored(uow(), aLottery({ name: 'first' }));
      const second = await stored(uow(), aLottery({ name: 'second' }));
      await stored(uow(), aLottery({ name: 'not asked for' }));
      const unknown = aLottery().id;
      const found = await uow().reads.lotteries.findByIds([second.id, unknown, 'nope' as LotteryId, first.id, second.id]);
      expect([...found.keys()].sort()).toEqual([first.id, second.id].sort());
      expect(found.get(first.id)?.toState()).toEqual(first.toState());
      expect(found.get(second.id)?.toState()).toEqual(second.toState());
      expect((await uow().reads.lotteries.findByIds([])).size).toBe(0);
      expect((await uow().reads.lotteries.findByIds([unknown, 'nope' as LotteryId])).size).toBe(0);
    });

    it('hands out copies: changing a lottery read back changes nothing stored until it is saved', async () => {
      const lottery = await stored(uow(), aLottery());
      const copy = await uow().reads.lotteries.findById(lottery.id);
      copy?.close(NOW);
      lottery.close(NOW);
      expect((await uow().reads.lotteries.findById(lottery.id))?.toState().status).toBe('open');
    });

    it('rejects a second lottery for one closing date with CLOSING_DATE_TAKEN', async () => {
      await stored(uow(), aLottery({ closesOn: '2030-03-01' }));
      await expect(stored(uow(), aLottery({ closesOn: '2030-03-01' }))).rejects.toMatchObject({ code: 'CLOSING_DATE_TAKEN' });
      await stored(uow(), aLottery());
      await stored(uow(), aLottery());
    });

    it('finds a lottery by its closing date', async () => {
      const lottery = await stored(uow(), aLottery({ closesOn: '2030-03-02' }));
      expect((await uow().reads.lotteries.findByClosingDate('2030-03-02'))?.id).toBe(lottery.id);
      expect(await uow().reads.lotteries.findByClosingDate('2030-03-03')).toBeNull();
      expect(await uow().reads.lotteries.findByClosingDate('not a date')).toBeNull();
    });

    it('saves a locked lottery', async () => {
      const lottery = await stored(uow(), aLottery({ ticketLimit: 10 }));
      await uow().run(async (repos) => {
        const locked = await repos.lotteries.lock(lottery.id);
        locked?.close(NOW);
        locked?.seal({ entriesDigest: 'e'.repeat(64), n: 0 });
        if (locked) await repos.lotteries.save(locked);
      });
      const state = (await uow().reads.lotteries.findById(lottery.id))?.toState();
      expect(state).toMatchObject({ status: 'closed', closedAt: NOW, entriesDigest: 'e'.repeat(64), entryCount: 0 });
    });

    it('locks several lotteries in one read and saves what their lives changed in one write', async () => {
      const chain = { chainHash: 'e'.repeat(64), publicKey: 'f'.repeat(192), period: 3, genesisTime: 1_692_803_367 };
      const v2 = await stored(
        uow(),
        Lottery.open({
          ...aLottery().toState(),
          seed: aLottery().toState().seed,
          now: NOW,
          timeZone: 'UTC',
          beacon: { chain, marginS: 10 },
        }),
      );
      const pool = await stored(uow(), aLottery({ ticketLimit: 3 }));
      const other = await stored(uow(), aLottery({ name: 'not locked' }));
      await uow().run(async (repos) => {
        const locked = await repos.lotteries.lockMany([pool.id, aLottery().id, 'nope' as LotteryId, v2.id, pool.id]);
        expect([...locked.keys()].sort()).toEqual([pool.id, v2.id].sort());
        const [raffle, beaconed] = [locked.get(pool.id), locked.get(v2.id)];
        if (!raffle || !beaconed) throw new Error('not locked');
        const plan = raffle.planIssue(
          { player: { participantId: aParticipant('alice').id, isAdmin: false }, count: 3, chosenTicket: null, now: NOW },
          () => 0,
        );
        raffle.issueTickets(plan, { kind: 'random', slots: new Map() }, { byParticipant: 0, byIp: 0 }, NOW, null);
        beaconed.close(NOW);
        beaconed.seal({ entriesDigest: 'd'.repeat(64), n: 0 });
        await repos.lotteries.saveMany([raffle, beaconed]);
      });
      const saved = await uow().reads.lotteries.findByIds([pool.id, v2.id, other.id]);
      expect(saved.get(pool.id)?.toState()).toEqual({ ...pool.toState(), ticketsIssued: 3, status: 'closed', closedAt: NOW });
      const closed = saved.get(v2.id)?.toState();
      expect(closed?.beacon?.round).toBeGreaterThan(1);
      expect(closed).toEqual({
        ...v2.toState(),
        status: 'closed',
        closedAt: NOW,
        entriesDigest: 'd'.repeat(64),
        entryCount: 0,
        beacon: closed?.beacon,
      });
      expect(saved.get(other.id)?.toState()).toEqual(other.toState());
      await uow().run(async (repos) => expect((await repos.lotteries.lockMany([])).size).toBe(0));
      await expect(uow().run((repos) => repos.lotteries.saveMany([aLottery()]))).rejects.toThrow();
    });

    it('refuses to save a lottery that was never added', async () => {
      await expect(uow().run((repos) => repos.lotteries.save(aLottery()))).rejects.toThrow();
    });

    it('lists newest first, page by page', async () => {
      const lotteries = [];
      for (let i = 0; i < 5; i++) lotteries.push(await stored(uow(), aLottery({ name: `lottery ${i}` })));
      const pages = await allPages((page) => uow().reads.lotteries.list({}, page), 2);
      expect(pages.map((p) => p.length)).toEqual([2, 2, 1]);
      expect(pages.flat().map((l) => l.id)).toEqual(lotteries.map((l) => l.id).reverse());
      const exact = await allPages((page) => uow().reads.lotteries.list({}, page), 5);
      expect(exact.map((p) => p.length)).toEqual([5]);
    });

    it('filters the list by status and by closing date', async () => {
      const early = await stored(uow(), aLottery({ closesOn: '2030-04-01' }));
      const middle = await stored(uow(), aLottery({ closesOn: '2030-04-10' }));
      const late = await stored(uow(), aLottery({ closesOn: '2030-04-20' }));
      await stored(uow(), aLottery());
      await uow().run(async (repos) => {
        middle.close(NOW);
        await repos.lotteries.save(middle);
      });
      const ids = async (filter: Parameters<UnitOfWork['reads']['lotteries']['list']>[0]) =>
        (await uow().reads.lotteries.list(filter, { limit: 100, cursor: null })).items.map((l) => l.id);
      expect(await ids({ status: 'closed' })).toEqual([middle.id]);
      expect(await ids({ closesFrom: '2030-04-10' })).toEqual([late.id, middle.id]);
      expect(await ids({ closesTo: '2030-04-10' })).toEqual([middle.id, early.id]);
      expect(await ids({ closesFrom: '2030-04-02', closesTo: '2030-04-19', status: 'open' })).toEqual([]);
    });

    it('filters by the status clients see: past its closing instant, an unrecorded close counts', async () => {
      const due = await stored(uow(), aLottery({ closesAt: new Date('2030-02-01T00:00:00.000Z') }));
      const later = await stored(uow(), aLottery({ closesAt: new Date('2030-03-01T00:00:00.000Z') }));
      const asOf = new Date('2030-02-01T00:00:00.000Z');
      const ids = async (status: 'open' | 'closed') =>
        (await uow().reads.lotteries.list({ status, asOf }, { limit: 100, cursor: null })).items.map((l) => l.id);
      expect(await ids('closed')).toEqual([due.id]);
      expect(await ids('open')).toEqual([later.id]);
    });

    it('rejects a cursor it did not hand out', async () => {
      const failed = uow().reads.lotteries.list({}, { limit: 2, cursor: 'garbage!' });
      await expect(failed).rejects.toBeInstanceOf(DomainError);
      await expect(failed).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    });

    it('finds the lotteries due for a draw: past their closing instant, closed or not, and not drawn', async () => {
      const at = new Date('2030-01-12T00:00:00.000Z');
      const due = await stored(uow(), aLottery({ closesAt: new Date('2030-01-11T00:00:00.000Z') }));
      const exactlyDue = await stored(uow(), aLottery({ closesAt: at }));
      await stored(uow(), aLottery({ closesAt: new Date('2030-01-13T00:00:00.000Z') }));
      await stored(uow(), aLottery());
      // Closed early, but its closing instant has passed: the schedule still owes it a draw.
      const closedEarly = aLottery({ closesAt: new Date('2030-01-11T00:00:00.000Z') });
      closedEarly.close(NOW);
      await stored(uow(), closedEarly);
      // Closed by an admin with no closing instant: the admin draws it.
      const closedByAdmin = aLottery();
      closedByAdmin.close(NOW);
      await stored(uow(), closedByAdmin);
      await stored(uow(), drawn(aLottery({ closesAt: new Date('2030-01-11T00:00:00.000Z') })));
      // Cancelled before its closing instant: the schedule skips it.
      const cancelled = aLottery({ closesAt: new Date('2030-01-11T00:00:00.000Z') });
      cancelled.cancel();
      await stored(uow(), cancelled);
      const found = await uow().reads.lotteries.findUndrawnDue(at);
      expect([...found].sort()).toEqual([due.id, exactlyDue.id, closedEarly.id].sort());
    });

    it('lists the taken closing dates within an inclusive range', async () => {
      for (const closesOn of ['2030-05-01', '2030-05-03', '2030-05-05', '2030-05-07']) await stored(uow(), aLottery({ closesOn }));
      expect(await uow().reads.lotteries.closingDatesBetween('2030-05-03', '2030-05-05')).toEqual(['2030-05-03', '2030-05-05']);
      expect(await uow().reads.lotteries.closingDatesBetween('2030-06-01', '2030-06-30')).toEqual([]);
    });
  });
}
