import { createHash } from 'node:crypto';
import { LotteryId, type ParticipantId } from '@fairdraw/domain';
import { describe, expect, it } from 'vitest';
import { closeLottery } from './close-lottery.js';
import { createLottery } from './create-lottery.js';
import { getLottery } from './get-lottery.js';
import { listLotteryBallots, listMyBallots } from './list-ballots.js';
import { openEntries } from './open-entries.js';
import { registerParticipant } from './register-participant.js';
import { submitBallots } from './submit-ballots.js';
import { testDeps } from './testing/index.js';

const rejects = (promise: Promise<unknown>, code: string) => expect(promise).rejects.toMatchObject({ code });

async function setup(lottery: Parameters<typeof createLottery>[1] = {}) {
  const deps = testDeps();
  const alice = await registerParticipant(deps, { username: 'alice', password: 'correct horse' });
  const created = await createLottery(deps, lottery);
  const play = (
    options: { count?: number; ticketNumber?: number; participantId?: ParticipantId | null; ip?: string; admin?: boolean } = {},
  ) =>
    submitBallots(deps, {
      lotteryId: created.id,
      player: { participantId: options.participantId === undefined ? alice.id : options.participantId, isAdmin: options.admin ?? false },
      clientIp: options.ip ?? '203.0.113.7',
      count: options.count ?? 1,
      ticketNumber: options.ticketNumber ?? null,
    });
  return { deps, alice, lottery: created, play };
}

describe('submitBallots', () => {
  it('issues count ballots with one-time codes stored only as hashes', async () => {
    const { deps, alice, lottery, play } = await setup();
    const { ballots } = await play({ count: 3 });
    expect(ballots.map((b) => b.ballot.ticketNumber)).toEqual([1, 2, 3]);
    for (const { ballot, verificationCode } of ballots) {
      expect(Buffer.from(verificationCode, 'base64url').length).toBeGreaterThanOrEqual(16);
      expect(ballot.codeHash).not.toContain(verificationCode);
    }
    const mine = await listMyBallots(deps, { participantId: alice.id, lotteryId: lottery.id, limit: 10, cursor: null });
    expect(mine.items).toHaveLength(3);
    const all = await listLotteryBallots(deps, { lotteryId: lottery.id, limit: 2, cursor: null });
    expect(all.items.map((b) => b.username)).toEqual(['alice', 'alice']);
    expect(all.nextCursor).not.toBeNull();
  });

  it('refuses unknown lotteries, admins and closed lotteries', async () => {
    const { deps, lottery, play } = await setup();
    await rejects(
      submitBallots(deps, {
        lotteryId: LotteryId('0190f5e2-0000-7000-8000-00000000dead'),
        player: { participantId: null, isAdmin: false },
        clientIp: '::1',
        count: 1,
        ticketNumber: null,
      }),
      'LOTTERY_NOT_FOUND',
    );
    await rejects(play({ admin: true }), 'ADMIN_CANNOT_PLAY');
    await closeLottery(deps, { lotteryId: lottery.id });
    await rejects(play(), 'LOTTERY_CLOSED');
  });

  it('hands out a finite pool in an unpredictable order, never twice, then SOLD_OUT', async () => {
    const { play } = await setup({ ticketLimit: 50, entry: { guests: true } });
    const results = await Promise.allSettled(Array.from({ length: 60 }, () => play({ participantId: null })));
    const issued = results.flatMap((r) => (r.status === 'fulfilled' ? r.value.ballots.map((b) => b.ballot.ticketNumber) : []));
    expect(new Set(issued).size).toBe(50);
    expect(issued.slice().sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(issued).not.toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    const refused = results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason.code);
    expect(refused).toEqual(Array(10).fill('SOLD_OUT'));
  });

  it('lets a participant choose a number, once', async () => {
    const { play } = await setup({ ticketLimit: 10 });
    expect((await play({ ticketNumber: 7 })).ballots[0]?.ballot.ticketNumber).toBe(7);
    await rejects(play({ ticketNumber: 7 }), 'TICKET_TAKEN');
    const rest = await play({ count: 9 });
    expect(rest.ballots.map((b) => b.ballot.ticketNumber).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 8, 9, 10]);
  });

  it('closes the lottery with the last ticket and freezes its entries right after, as a close does', async () => {
    const { deps, lottery, play } = await setup({ ticketLimit: 3 });
    await play({ count: 2 });
    expect((await getLottery(deps, { lotteryId: lottery.id })).toState().entriesDigest).toBeNull();
    await play();
    expect((await getLottery(deps, { lotteryId: lottery.id })).toState().status).toBe('closed');
    await deps.ballotBatches.idle();
    const sealed = (await getLottery(deps, { lotteryId: lottery.id })).toState();
    expect(sealed.status).toBe('closed');
    let text = '';
    for await (const line of await openEntries(deps, { lotteryId: lottery.id })) text += line;
    expect({ digest: sealed.entriesDigest, n: sealed.entryCount }).toEqual({
      digest: createHash('sha256').update(text).digest('hex'),
      n: 3,
    });
  });

  it('issues nothing when fewer tickets remain than asked, or a limit would be passed', async () => {
    const { deps, lottery, play } = await setup({ ticketLimit: 4, entry: { perParticipantLimit: 2, guests: true, perIpLimit: 2 } });
    await rejects(play({ count: 5 }), 'SOLD_OUT');
    await rejects(play({ count: 3 }), 'ENTRY_LIMIT_REACHED');
    await play({ count: 2 });
    await rejects(play(), 'ENTRY_LIMIT_REACHED');
    // The per-address limit counts every ticket from the address: alice's two use it up.
    await rejects(play({ participantId: null }), 'ENTRY_LIMIT_REACHED');
    await play({ participantId: null, ip: '198.51.100.1' });
    await play({ participantId: null, ip: '198.51.100.1' });
    const ballots = await listLotteryBallots(deps, { lotteryId: lottery.id, limit: 10, cursor: null });
    expect(ballots.items).toHaveLength(4);
    expect(ballots.items.filter((b) => b.participantId === null)).toHaveLength(2);
    await rejects(play({ participantId: null, ip: '198.51.100.2' }), 'SOLD_OUT');
  });
});
