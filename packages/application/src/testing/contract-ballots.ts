import { entryLine, type LotteryId, ParticipantId } from '@fairdraw/domain';
import { describe, expect, it } from 'vitest';
import { HolderKey } from '../holder-key.js';
import type { BallotRepository, UnitOfWork } from '../ports/repositories.js';
import { aBallot, aLottery, allPages, aParticipant, stored } from './fixtures.js';

/** The entries text as served, and whether every chunk held whole lines. */
async function textOf(ballots: BallotRepository, lotteryId: LotteryId): Promise<{ text: string; wholeLines: boolean; chunks: number }> {
  let text = '';
  let wholeLines = true;
  let chunks = 0;
  for await (const chunk of ballots.entriesText(lotteryId)) {
    text += chunk;
    chunks += 1;
    wholeLines &&= chunk.endsWith('\n');
  }
  return { text, wholeLines, chunks };
}

const linesOf = (ballots: readonly { ticketNumber: number; id: string }[]) =>
  [...ballots]
    .sort((a, b) => a.ticketNumber - b.ticketNumber)
    .map((b) => entryLine(b.ticketNumber, b.id))
    .join('');

export function ballotsContract(uow: () => UnitOfWork): void {
  const addBallots = (ballots: Parameters<UnitOfWork['reads']['ballots']['addMany']>[0]) =>
    uow().run((repos) => repos.ballots.addMany(ballots));

  describe('ballots', () => {
    it('stores ballots and finds one by ticket', async () => {
      const lottery = await stored(uow(), aLottery());
      const alice = await stored(uow(), aParticipant('alice'));
      const ballot = aBallot(lottery.id, 7, { participantId: alice.id });
      const guest = aBallot(lottery.id, 8, { ipHash: 'ip-1' });
      await addBallots([ballot, guest]);
      expect(await uow().reads.ballots.findByTicket(lottery.id, 7)).toEqual(ballot);
      expect(await uow().reads.ballots.findByTicket(lottery.id, 8)).toEqual(guest);
      expect(await uow().reads.ballots.findByTicket(lottery.id, 9)).toBeNull();
    });

    it('stores a turn of 25,000 ballots in one call, more than a VALUES list could bind, and streams them in chunks', async () => {
      const lottery = await stored(uow(), aLottery());
      const alice = await stored(uow(), aParticipant('alice'));
      const ballots = Array.from({ length: 25_000 }, (_, i) =>
        aBallot(lottery.id, i + 1, i % 2 === 0 ? { participantId: alice.id, ipHash: 'ip-a' } : { ipHash: `ip-${i}` }),
      );
      await addBallots(ballots);
      // More entries than one chunk of the PostgreSQL adapter's (20,000): the boundary loses no line.
      const { text, wholeLines, chunks } = await textOf(uow().reads.ballots, lottery.id);
      expect(text).toBe(linesOf(ballots));
      expect(wholeLines).toBe(true);
      expect(chunks).toBeGreaterThan(1);
      expect(await uow().reads.ballots.findByTicket(lottery.id, 25_000)).toEqual(ballots[24_999]);
      expect(await uow().reads.ballots.findByTicket(lottery.id, 1)).toEqual(ballots[0]);
    });

    it('rejects a ticket issued twice with TICKET_TAKEN and stores none of the batch', async () => {
      const lottery = await stored(uow(), aLottery());
      const other = await stored(uow(), aLottery());
      await addBallots([aBallot(lottery.id, 1)]);
      await addBallots([aBallot(other.id, 1)]);
      await expect(addBallots([aBallot(lottery.id, 2), aBallot(lottery.id, 1)])).rejects.toMatchObject({ code: 'TICKET_TAKEN' });
      await expect(addBallots([aBallot(lottery.id, 3), aBallot(lottery.id, 3)])).rejects.toMatchObject({ code: 'TICKET_TAKEN' });
      expect(await uow().reads.ballots.findByTicket(lottery.id, 2)).toBeNull();
      expect(await uow().reads.ballots.findByTicket(lottery.id, 3)).toBeNull();
    });

    it('rejects a ballot of an unknown participant with UNAUTHORIZED and stores none of the batch', async () => {
      const lottery = await stored(uow(), aLottery());
      const ghost = aParticipant('ghost');
      await expect(addBallots([aBallot(lottery.id, 1), aBallot(lottery.id, 2, { participantId: ghost.id })])).rejects.toMatchObject({
        code: 'UNAUTHORIZED',
      });
      expect(await uow().reads.ballots.findByTicket(lottery.id, 1)).toBeNull();
    });

    it('keeps entry counts per lottery and holder, adding to them and reading several at once', async () => {
      const lottery = await stored(uow(), aLottery());
      const other = await stored(uow(), aLottery());
      const a = HolderKey.participant(ParticipantId('a'));
      const x = HolderKey.address('x');
      const add = (id: typeof lottery.id, counts: [HolderKey, number][]) =>
        uow().run((repos) => repos.entryCounts.add(id, new Map(counts)));
      await add(lottery.id, [
        [a, 2],
        [x, 1],
      ]);
      await add(lottery.id, [[a, 3]]);
      await add(other.id, [[x, 7]]);
      expect(await uow().reads.entryCounts.read(lottery.id, [x, a, HolderKey.address('nobody')])).toEqual([1, 5, 0]);
      expect(await uow().reads.entryCounts.read(other.id, [a, x])).toEqual([0, 7]);
      expect(await uow().reads.entryCounts.read(other.id, [])).toEqual([]);
      await expect(
        uow().run(async (repos) => {
          await repos.entryCounts.add(lottery.id, new Map([[x, 10]]));
          throw new Error('rolled back');
        }),
      ).rejects.toThrow('rolled back');
      expect(await uow().reads.entryCounts.read(lottery.id, [x])).toEqual([1]);
    });

    it('lists a lottery’s ballots by ascending ticket, with their owners, page by page', async () => {
      const lottery = await stored(uow(), aLottery());
      const alice = await stored(uow(), aParticipant('alice'));
      await addBallots([5, 1, 4, 2, 3].map((t) => aBallot(lottery.id, t, t % 2 ? { participantId: alice.id } : {})));
      const pages = await allPages((page) => uow().reads.ballots.listByLottery(lottery.id, page), 2);
      expect(pages.map((p) => p.length)).toEqual([2, 2, 1]);
      expect(pages.flat().map((b) => [b.ticketNumber, b.username])).toEqual([
        [1, 'alice'],
        [2, null],
        [3, 'alice'],
        [4, null],
        [5, 'alice'],
      ]);
    });

    it('lists a participant’s ballots newest first, in all lotteries or in one', async () => {
      const [first, second] = [await stored(uow(), aLottery()), await stored(uow(), aLottery())];
      const alice = await stored(uow(), aParticipant('alice'));
      const mine = [aBallot(first.id, 1, { participantId: alice.id }), aBallot(second.id, 1, { participantId: alice.id })];
      mine.push(aBallot(first.id, 2, { participantId: alice.id }));
      await addBallots([...mine, aBallot(first.id, 3)]);
      const all = await allPages((page) => uow().reads.ballots.listByParticipant(alice.id, null, page), 2);
      expect(all.flat().map((b) => b.id)).toEqual(mine.map((b) => b.id).reverse());
      const inFirst = await uow().reads.ballots.listByParticipant(alice.id, first.id, { limit: 10, cursor: null });
      expect(inFirst.items.map((b) => b.ticketNumber)).toEqual([2, 1]);
      expect(inFirst.nextCursor).toBeNull();
    });

    it('streams a lottery’s entries text in ascending ticket order, byte for byte entryLine', async () => {
      const lottery = await stored(uow(), aLottery());
      const other = await stored(uow(), aLottery());
      // Inserted out of order.
      const tickets = Array.from({ length: 2500 }, (_, i) => ((i * 7919) % 2500) + 1);
      const ballots = tickets.map((t) => aBallot(lottery.id, t));
      for (let i = 0; i < ballots.length; i += 500) await addBallots(ballots.slice(i, i + 500));
      await addBallots([aBallot(other.id, 1)]);
      const { text, wholeLines } = await textOf(uow().reads.ballots, lottery.id);
      expect(text).toBe(linesOf(ballots));
      expect(wholeLines).toBe(true);
      expect((await textOf(uow().reads.ballots, (await stored(uow(), aLottery())).id)).text).toBe('');
    });

    it('streams inside a transaction too', async () => {
      const lottery = await stored(uow(), aLottery());
      const ballots = [aBallot(lottery.id, 2), aBallot(lottery.id, 1)];
      const text = await uow().run(async (repos) => {
        await repos.ballots.addMany(ballots);
        return (await textOf(repos.ballots, lottery.id)).text;
      });
      expect(text).toBe(linesOf(ballots));
    });

    it('finds ballots by index into the ascending entries, in the order asked', async () => {
      const lottery = await stored(uow(), aLottery());
      const alice = await stored(uow(), aParticipant('alice'));
      await addBallots([40, 10, 30, 20].map((t) => aBallot(lottery.id, t, t === 30 ? { participantId: alice.id } : {})));
      const found = await uow().reads.ballots.atIndices(lottery.id, [3, 0, 2], 4);
      expect(found.map((b) => [b.ticketNumber, b.username])).toEqual([
        [40, null],
        [10, null],
        [30, 'alice'],
      ]);
      expect(await uow().reads.ballots.atIndices(lottery.id, [], 4)).toEqual([]);
      await expect(uow().reads.ballots.atIndices(lottery.id, [4], 4)).rejects.toThrow();
    });

    it('finds them by index when the tickets are exactly 1..n, as a lottery numbers them', async () => {
      const lottery = await stored(uow(), aLottery());
      const alice = await stored(uow(), aParticipant('alice'));
      const ballots = [3, 1, 4, 2].map((t) => aBallot(lottery.id, t, t === 4 ? { participantId: alice.id } : {}));
      await addBallots(ballots);
      const found = await uow().reads.ballots.atIndices(lottery.id, [3, 0, 0, 2], 4);
      expect(found.map((b) => [b.ticketNumber, b.username, b.id])).toEqual([
        [4, 'alice', ballots[2]?.id],
        [1, null, ballots[1]?.id],
        [1, null, ballots[1]?.id],
        [3, null, ballots[0]?.id],
      ]);
      await expect(uow().reads.ballots.atIndices(lottery.id, [4], 4)).rejects.toThrow();
    });

    it('ranks the entries when the tickets have gaps below n, as a pool leaves them', async () => {
      const lottery = await stored(uow(), aLottery());
      // Largest ticket 3 = n, yet not 1..3: impossible for n distinct positive tickets, so a
      // store may trust it; here the gap sits below a largest ticket above n.
      await addBallots([2, 5, 9].map((t) => aBallot(lottery.id, t)));
      const found = await uow().reads.ballots.atIndices(lottery.id, [2, 0, 1], 3);
      expect(found.map((b) => b.ticketNumber)).toEqual([9, 2, 5]);
    });
  });

  describe('ticket pools', () => {
    it('reads back only the slots written, and upserts a slot written again', async () => {
      const lottery = await stored(uow(), aLottery({ ticketLimit: 100 }));
      await uow().run((repos) =>
        repos.pools.write(lottery.id, [
          { position: 3, ticket: 100 },
          { position: 99, ticket: 4 },
        ]),
      );
      await uow().run((repos) =>
        repos.pools.write(lottery.id, [
          { position: 3, ticket: 50 },
          { position: 49, ticket: 100 },
        ]),
      );
      const slots = await uow().reads.pools.readSlots(lottery.id, [3, 49, 99, 0]);
      expect([...slots].sort((a, b) => a[0] - b[0])).toEqual([
        [3, 50],
        [49, 100],
        [99, 4],
      ]);
      expect((await uow().reads.pools.readSlots(lottery.id, [])).size).toBe(0);
    });

    it('finds where a stored ticket sits, and null for a ticket never moved', async () => {
      const lottery = await stored(uow(), aLottery({ ticketLimit: 10 }));
      const other = await stored(uow(), aLottery({ ticketLimit: 10 }));
      // A swap, as the pool writes it: ticket 3 moves to the last slot, ticket 10 takes its place.
      await uow().run((repos) =>
        repos.pools.write(lottery.id, [
          { position: 2, ticket: 10 },
          { position: 9, ticket: 3 },
        ]),
      );
      const byTicket = async (id: typeof lottery.id, tickets: number[]) => [...(await uow().reads.pools.readSlots(id, [], tickets))];
      expect(await byTicket(lottery.id, [3])).toEqual([[9, 3]]);
      expect(await byTicket(lottery.id, [10])).toEqual([[2, 10]]);
      expect(await byTicket(lottery.id, [5])).toEqual([]);
      expect(await byTicket(other.id, [3])).toEqual([]);
    });

    it('reads slots by position and by ticket in one call', async () => {
      const lottery = await stored(uow(), aLottery({ ticketLimit: 10 }));
      await uow().run((repos) =>
        repos.pools.write(lottery.id, [
          { position: 2, ticket: 10 },
          { position: 9, ticket: 3 },
          { position: 4, ticket: 7 },
        ]),
      );
      const slots = await uow().reads.pools.readSlots(lottery.id, [4, 5], [3, 8]);
      expect([...slots].sort((a, b) => a[0] - b[0])).toEqual([
        [4, 7],
        [9, 3],
      ]);
    });
  });
}
