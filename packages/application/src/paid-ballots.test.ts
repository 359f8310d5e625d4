import { type ParticipantId, Wallet } from '@fairdraw/domain';
import { describe, expect, it } from 'vitest';
import { cancelLottery } from './cancel-lottery.js';
import { closeDueLotteries } from './close-due-lotteries.js';
import { closeLottery } from './close-lottery.js';
import { createLottery } from './create-lottery.js';
import { depositFunds } from './deposit-funds.js';
import { drawLottery } from './draw-lottery.js';
import { getLedger } from './get-ledger.js';
import { getWallet } from './get-wallet.js';
import { registerParticipant } from './register-participant.js';
import { submitBallots } from './submit-ballots.js';
import { testDeps } from './testing/index.js';
import { wireDeps } from './wire-deps.js';

async function setup() {
  const deps = testDeps();
  const alice = await registerParticipant(deps, { username: 'alice', password: 'correct horse' });
  const bob = await registerParticipant(deps, { username: 'bob', password: 'correct horse' });
  const buy = (lotteryId: Parameters<typeof submitBallots>[1]['lotteryId'], participantId = alice.id, count = 1) =>
    submitBallots(deps, { lotteryId, player: { participantId, isAdmin: false }, clientIp: '203.0.113.7', count, ticketNumber: null });
  const balance = async (participantId = alice.id) => (await getWallet(deps, { participantId, asking: 'self' })).balance;
  return { deps, alice, bob, buy, balance };
}

const codeOf = (result: PromiseSettledResult<unknown>) =>
  result.status === 'fulfilled' ? 'ok' : ((result.reason as { code?: string }).code ?? String(result.reason));

describe('ballots on a priced lottery', () => {
  it('charge in arrival order within one turn; those that cannot pay are refused without failing their neighbours', async () => {
    const { deps, alice, bob, buy, balance } = await setup();
    const lottery = await createLottery(deps, { ticketPrice: 100 });
    await depositFunds(deps, { participantId: alice.id, amount: 300 });
    await depositFunds(deps, { participantId: bob.id, amount: 100 });
    const commitsBefore = deps.uow.commits;
    const results = await Promise.allSettled([
      buy(lottery.id, alice.id, 2),
      buy(lottery.id, bob.id, 1),
      buy(lottery.id, alice.id, 2),
      buy(lottery.id, alice.id, 1),
      buy(lottery.id, bob.id, 1),
    ]);
    expect(results.map(codeOf)).toEqual(['ok', 'ok', 'INSUFFICIENT_FUNDS', 'ok', 'INSUFFICIENT_FUNDS']);
    // The first runs at once and the four behind it share the next turn: a refusal did not send
    // that turn back request by request (which would commit once per request).
    expect(deps.uow.commits - commitsBefore).toBe(2);
    const paid = results.flatMap((r) => (r.status === 'fulfilled' ? [[r.value.charged, r.value.balance]] : []));
    expect(paid).toEqual([
      [200, 100],
      [100, 0],
      [100, 0],
    ]);
    expect(await balance()).toBe(0);
    expect(await balance(bob.id)).toBe(0);
    expect(await getLedger(deps)).toEqual({ currency: 'EUR', deposits: 400, purchases: 400, refunds: 0, payouts: 0, balances: 0 });
  });

  it('cancel refunds every purchase once; the draw of a valued lottery pays its winners', async () => {
    const { deps, alice, buy, balance } = await setup();
    const called = await createLottery(deps, { ticketPrice: 50 });
    const paying = await createLottery(deps, { ticketPrice: 50, prizes: [{ name: 'Cash', amount: 1, value: 900 }] });
    await depositFunds(deps, { participantId: alice.id, amount: 200 });
    await buy(called.id, alice.id, 2);
    await buy(paying.id, alice.id, 1);
    expect(await balance()).toBe(50);
    await cancelLottery(deps, { lotteryId: called.id });
    expect(await balance()).toBe(150);
    await expect(cancelLottery(deps, { lotteryId: called.id })).rejects.toMatchObject({ code: 'LOTTERY_CANCELLED' });
    await closeLottery(deps, { lotteryId: paying.id });
    await drawLottery(deps, { lotteryId: paying.id });
    await expect(drawLottery(deps, { lotteryId: paying.id })).rejects.toMatchObject({ code: 'ALREADY_DRAWN' });
    expect(await balance()).toBe(1050);
    await expect(cancelLottery(deps, { lotteryId: paying.id })).rejects.toMatchObject({ code: 'ALREADY_DRAWN' });
    expect(await getLedger(deps)).toEqual({ currency: 'EUR', deposits: 200, purchases: 150, refunds: 100, payouts: 900, balances: 1050 });
  });

  it('the schedule skips a cancelled lottery past its closing instant', async () => {
    const { deps } = await setup();
    const lottery = await createLottery(deps, { closesAt: new Date(deps.clock.now().getTime() + 60_000) });
    await cancelLottery(deps, { lotteryId: lottery.id });
    deps.clock.advance(120_000);
    expect(await closeDueLotteries(deps)).toEqual({ drawn: [], failed: [], pending: [] });
    expect((await deps.uow.reads.lotteries.findById(lottery.id))?.toState().status).toBe('cancelled');
  });
});

describe('a turn of a priced and a free lottery', () => {
  it('charges the locked wallet and answers the free lottery with the balance read while the turn began', async () => {
    const base = testDeps();
    const alice = await registerParticipant(base, { username: 'alice', password: 'correct horse' });
    await depositFunds(base, { participantId: alice.id, amount: 300 });
    // Reads outside a transaction see an empty wallet: if the priced lottery charged that read
    // instead of the wallet it locks, it would refuse alice for want of funds.
    const uow = {
      ...base.uow,
      reads: {
        ...base.uow.reads,
        wallets: {
          ...base.uow.reads.wallets,
          find: async (ids: readonly ParticipantId[]) => new Map(ids.map((id) => [id, Wallet.empty(id)])),
        },
      },
    };
    const deps = wireDeps({ ...base, uow }, { maxTurns: 1 });
    const priced = await createLottery(deps, { ticketPrice: 100 });
    const free = await createLottery(deps, {});
    const bob = await registerParticipant(base, { username: 'bob', password: 'correct horse' });
    const buy = (lotteryId: typeof priced.id, participantId = alice.id) =>
      submitBallots(deps, {
        lotteryId,
        player: { participantId, isAdmin: false },
        clientIp: '203.0.113.7',
        count: 1,
        ticketNumber: null,
      });
    const commitsBefore = base.uow.commits;
    const [first, paid, freeOne] = await Promise.all([buy(free.id), buy(priced.id), buy(free.id), buy(free.id, bob.id)]);
    // The first runs alone; the three behind it share one turn, where bob's wallet comes from
    // the read made as the turn began and alice's from the lock.
    expect(base.uow.commits - commitsBefore).toBe(2);
    expect([paid.charged, paid.balance]).toEqual([100, 200]);
    expect([first.charged, freeOne.charged]).toEqual([0, 0]);
    // Alone, the free request answered with the read made as its turn began (the stub's empty wallet).
    expect(first.balance).toBe(0);
    expect((await getWallet(base, { participantId: alice.id, asking: 'self' })).balance).toBe(200);
  });
});
