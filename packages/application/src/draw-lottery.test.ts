import { createHash } from 'node:crypto';
import { drawFairdrawV1, type Prize } from '@fairdraw/domain';
import { describe, expect, it } from 'vitest';
import { closeDueLotteries } from './close-due-lotteries.js';
import { closeLottery } from './close-lottery.js';
import { createLottery } from './create-lottery.js';
import { drawLottery } from './draw-lottery.js';
import { getDraw, listWinners } from './get-draw.js';
import { listMyBallots } from './list-ballots.js';
import { openEntries } from './open-entries.js';
import { registerParticipant } from './register-participant.js';
import { submitBallots } from './submit-ballots.js';
import { testDeps } from './testing/index.js';
import { verifyTicket } from './verify-ticket.js';

const rejects = (promise: Promise<unknown>, code: string) => expect(promise).rejects.toMatchObject({ code });
const collect = async (lines: AsyncIterable<string>) => {
  let text = '';
  for await (const line of lines) text += line;
  return text;
};

async function playedLottery(prizes: Prize[], ballots: number, lottery: Parameters<typeof createLottery>[1] = {}) {
  const deps = testDeps();
  const alice = await registerParticipant(deps, { username: 'alice', password: 'correct horse' });
  const created = await createLottery(deps, { prizes, ...lottery });
  const issued =
    ballots === 0
      ? []
      : (
          await submitBallots(deps, {
            lotteryId: created.id,
            player: { participantId: alice.id, isAdmin: false },
            clientIp: '::1',
            count: ballots,
            ticketNumber: null,
          })
        ).ballots;
  return { deps, alice, lottery: created, issued };
}

describe('closing and drawing', () => {
  it('draws exactly as fairdraw-v1 says from the frozen entries, and reveals the seed', async () => {
    const prizes = [
      { name: 'Gold', amount: 1 },
      { name: 'Silver', amount: 2 },
    ];
    const { deps, lottery, issued } = await playedLottery(prizes, 10);
    await rejects(openEntries(deps, { lotteryId: lottery.id }), 'LOTTERY_NOT_CLOSED');
    await rejects(drawLottery(deps, { lotteryId: lottery.id }), 'LOTTERY_NOT_CLOSED');
    const closed = await closeLottery(deps, { lotteryId: lottery.id });
    const entries = await collect(await openEntries(deps, { lotteryId: lottery.id }));
    expect(entries.split('\n')).toHaveLength(11);
    const digest = createHash('sha256').update(entries).digest('hex');
    expect(closed.toState().entriesDigest).toBe(digest);

    const { record } = await drawLottery(deps, { lotteryId: lottery.id });
    const expected = drawFairdrawV1({ seed: lottery.toState().seed, lotteryId: lottery.id, entriesDigest: digest, n: 10, prizes });
    expect(record?.seed).toBe(Buffer.from(lottery.toState().seed).toString('hex'));
    expect(record?.winners.map((w) => [w.rank, w.prize, w.ticketNumber])).toEqual(
      expected.winners.map((w) => [w.rank, w.prize, w.entryIndex + 1]),
    );
    expect(new Set(record?.winners.map((w) => w.ballotId)).size).toBe(3);
    await rejects(drawLottery(deps, { lotteryId: lottery.id }), 'ALREADY_DRAWN');

    const winner = issued.find((b) => b.ballot.id === record?.winners[0]?.ballotId);
    const loser = issued.find((b) => !record?.winners.some((w) => w.ballotId === b.ballot.id));
    expect(
      await verifyTicket(deps, {
        lotteryId: lottery.id,
        ticketNumber: winner?.ballot.ticketNumber ?? 0,
        verificationCode: winner?.verificationCode ?? '',
      }),
    ).toEqual({ hasWon: true, prize: 'Gold' });
    expect(
      await verifyTicket(deps, {
        lotteryId: lottery.id,
        ticketNumber: loser?.ballot.ticketNumber ?? 0,
        verificationCode: loser?.verificationCode ?? '',
      }),
    ).toEqual({ hasWon: false, prize: null });
    await rejects(verifyTicket(deps, { lotteryId: lottery.id, ticketNumber: 1, verificationCode: 'wrong' }), 'INVALID_VERIFICATION_CODE');
    await rejects(verifyTicket(deps, { lotteryId: lottery.id, ticketNumber: 99, verificationCode: 'wrong' }), 'INVALID_VERIFICATION_CODE');
  });

  it('answers NOT_DRAWN to verification before the draw', async () => {
    const { deps, lottery, issued } = await playedLottery([{ name: 'Winner', amount: 1 }], 1);
    const ballot = issued[0];
    await rejects(
      verifyTicket(deps, { lotteryId: lottery.id, ticketNumber: 1, verificationCode: ballot?.verificationCode ?? '' }),
      'NOT_DRAWN',
    );
    await rejects(verifyTicket(deps, { lotteryId: lottery.id, ticketNumber: 1, verificationCode: 'wrong' }), 'NOT_DRAWN');
  });

  it('draws a lottery without ballots with no winners, and still reveals the seed', async () => {
    const { deps, lottery } = await playedLottery([{ name: 'Winner', amount: 1 }], 0);
    await closeLottery(deps, { lotteryId: lottery.id });
    const { record } = await drawLottery(deps, { lotteryId: lottery.id });
    expect(record).toMatchObject({ n: 0, winners: [], seed: expect.stringMatching(/^[0-9a-f]{64}$/) });
  });

  it('gives every ballot at most one prize even when prizes outnumber ballots', async () => {
    const { deps, lottery, alice } = await playedLottery(
      [
        { name: 'A', amount: 3 },
        { name: 'B', amount: 5 },
      ],
      4,
    );
    await closeLottery(deps, { lotteryId: lottery.id });
    const { record } = await drawLottery(deps, { lotteryId: lottery.id });
    expect(record?.winners.map((w) => w.prize)).toEqual(['A', 'A', 'A', 'B']);
    const mine = await listMyBallots(deps, { participantId: alice.id, lotteryId: null, limit: 10, cursor: null });
    expect(mine.items.map((b) => b.prize).sort()).toEqual(['A', 'A', 'A', 'B']);
  });

  it('answers ALREADY_CLOSED to an admin closing a lottery past its closing instant; the draw records the close', async () => {
    const closesAt = new Date('2030-01-10T13:00:00Z');
    const { deps, lottery } = await playedLottery([{ name: 'Winner', amount: 1 }], 2, { closesAt });
    deps.clock.set('2030-01-10T14:00:00Z');
    await rejects(closeLottery(deps, { lotteryId: lottery.id }), 'ALREADY_CLOSED');
    const { record, lottery: drawn } = await drawLottery(deps, { lotteryId: lottery.id });
    expect(record?.n).toBe(2);
    expect(drawn.toState().closedAt).toEqual(closesAt);
  });

  it('draws a lottery whose closing instant passed, once, however many runs race', async () => {
    const { deps, lottery } = await playedLottery([{ name: 'Winner', amount: 1 }], 0, { closesAt: new Date('2030-01-10T13:00:00Z') });
    await submitBallots(deps, {
      lotteryId: lottery.id,
      player: { participantId: null, isAdmin: false },
      clientIp: '::1',
      count: 1,
      ticketNumber: null,
    }).catch(() => null);
    expect((await closeDueLotteries(deps)).drawn).toHaveLength(0);
    deps.clock.set('2030-01-10T13:00:00Z');
    const runs = await Promise.all([closeDueLotteries(deps), closeDueLotteries(deps), closeDueLotteries(deps)]);
    expect(runs.flatMap((r) => r.drawn)).toHaveLength(1);
    expect(runs.flatMap((r) => r.failed)).toEqual([]);
    const view = await getDraw(deps, { lotteryId: lottery.id });
    expect(view.lottery.toState().status).toBe('drawn');
    // Clients were shown closed_at = closes_at from that instant on; recording the close keeps it.
    expect(view.lottery.toState().closedAt).toEqual(new Date('2030-01-10T13:00:00Z'));
    const winners = await listWinners(deps, { from: '2030-01-10', to: '2030-01-10', limit: 10, cursor: null });
    expect(winners.items.map((w) => w.lottery.id)).toEqual([lottery.id]);
    expect((await listWinners(deps, { from: '2030-01-11', limit: 10, cursor: null })).items).toEqual([]);
  });
});
