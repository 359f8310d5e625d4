import { ledgerBalances, type ParticipantId, TransactionId, type Wallet } from '@fairdraw/domain';
import { describe, expect, it } from 'vitest';
import type { UnitOfWork } from '../ports/repositories.js';
import { aDraw, aLottery, allPages, aParticipant, NOW, stored, uuidv7 } from './fixtures.js';

export function walletsContract(uow: () => UnitOfWork): void {
  const id = () => TransactionId(uuidv7());
  const someone = async () => (await stored(uow(), aParticipant(`payer${uuidv7().slice(-8)}`))).id;
  /** Locks the wallet, lets `change` append to it and saves it, in one transaction. */
  const change = (participantId: ParticipantId, append: (wallet: Wallet) => void) =>
    uow().run(async (repos) => {
      const wallet = (await repos.wallets.lock([participantId])).get(participantId);
      if (wallet === undefined) throw new Error('lock gave no wallet');
      append(wallet);
      await repos.wallets.save([wallet]);
      return wallet.appended;
    });
  const deposit = (participantId: ParticipantId, amount: number) => change(participantId, (w) => w.deposit({ id: id(), amount, now: NOW }));

  describe('wallets', () => {
    it('locks an empty wallet for a participant never written to; an unlocked read finds it empty or not at all', async () => {
      const alice = await someone();
      const locked = await uow().run((repos) => repos.wallets.lock([alice]));
      expect(locked.get(alice)?.toState()).toEqual({ participantId: alice, balance: 0, seq: 0, updatedAt: null });
      expect((await uow().reads.wallets.find([alice])).get(alice)?.toState() ?? null).toEqual(
        expect.toBeOneOf([null, { participantId: alice, balance: 0, seq: 0, updatedAt: null }]),
      );
    });

    it('refuses a wallet for an account that does not exist (UNAUTHORIZED)', async () => {
      const ghost = aParticipant('ghost').id;
      await expect(uow().run((repos) => repos.wallets.lock([ghost]))).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    });

    it('appends entries and moves balances of several wallets at once, and reads them back', async () => {
      const [alice, bob] = [await someone(), await someone()];
      await uow().run(async (repos) => {
        const wallets = await repos.wallets.lock([bob, alice, alice]);
        expect([...wallets.keys()].sort()).toEqual([alice, bob].sort());
        wallets.get(alice)?.deposit({ id: id(), amount: 500, now: NOW });
        wallets.get(alice)?.deposit({ id: id(), amount: 250, now: NOW });
        wallets.get(bob)?.deposit({ id: id(), amount: 7, now: NOW });
        await repos.wallets.save([...wallets.values()]);
      });
      const found = await uow().reads.wallets.find([alice, bob]);
      expect(found.get(alice)?.toState()).toEqual({ participantId: alice, balance: 750, seq: 2, updatedAt: NOW });
      expect(found.get(bob)?.balance).toBe(7);
    });

    it('lists a wallet’s entries newest first, page by page', async () => {
      const alice = await someone();
      for (const amount of [1, 2, 3, 4, 5]) await deposit(alice, amount);
      await deposit(await someone(), 99);
      const pages = await allPages((page) => uow().reads.wallets.listEntries(alice, page), 2);
      expect(pages.map((p) => p.length)).toEqual([2, 2, 1]);
      expect(pages.flat().map((e) => [e.amount, e.balanceAfter, e.seq])).toEqual([
        [5, 15, 5],
        [4, 10, 4],
        [3, 6, 3],
        [2, 3, 2],
        [1, 1, 1],
      ]);
      expect(pages.flat()[0]).toMatchObject({ kind: 'deposit', lotteryId: null, ballotCount: null, refundOf: null, participantId: alice });
    });

    it('refuses to save a wallet whose balance moved since it was read', async () => {
      const alice = await someone();
      await deposit(alice, 100);
      const stale = await uow().run(async (repos) => (await repos.wallets.lock([alice])).get(alice));
      await deposit(alice, 1);
      stale?.deposit({ id: id(), amount: 5, now: NOW });
      await expect(uow().run((repos) => repos.wallets.save(stale ? [stale] : []))).rejects.toThrow();
      expect((await uow().reads.wallets.find([alice])).get(alice)?.balance).toBe(101);
    });

    it('finds the purchases of a lottery not yet refunded, and refuses a second refund of one', async () => {
      const [alice, bob] = [await someone(), await someone()];
      const lottery = await stored(uow(), aLottery());
      const other = await stored(uow(), aLottery());
      await deposit(alice, 100);
      await deposit(bob, 100);
      const buy = (who: ParticipantId, lotteryId = lottery.id) =>
        change(who, (w) => w.purchase({ id: id(), lotteryId, ballotCount: 2, price: 30, now: NOW }));
      const [first] = await buy(alice);
      await buy(bob);
      await buy(alice, other.id);
      const [refund] = await change(alice, (w) => (first ? w.refund({ id: id(), purchase: first, now: NOW }) : undefined));
      expect(refund).toMatchObject({
        kind: 'refund',
        amount: 30,
        balanceAfter: 70,
        lotteryId: lottery.id,
        ballotCount: 2,
        refundOf: first?.id,
      });
      const open = await uow().reads.wallets.unrefundedPurchases(lottery.id);
      expect(open.map((p) => [p.participantId, p.amount])).toEqual([[bob, -30]]);
      await expect(change(alice, (w) => (first ? w.refund({ id: id(), purchase: first, now: NOW }) : undefined))).rejects.toThrow();
      expect((await uow().reads.wallets.find([alice])).get(alice)?.balance).toBe(70);
    });

    it('pays out only for a drawn lottery, once per winner', async () => {
      const alice = await someone();
      const lottery = await stored(uow(), aLottery());
      const payout = () => change(alice, (w) => w.payout({ id: id(), lotteryId: lottery.id, ballotCount: 1, amount: 1000, now: NOW }));
      await expect(payout()).rejects.toThrow();
      await uow().run((repos) => repos.draws.add(aDraw(lottery.id, NOW)));
      await payout();
      await expect(payout()).rejects.toThrow();
      expect((await uow().reads.wallets.find([alice])).get(alice)?.balance).toBe(1000);
    });

    it('sums every wallet: deposits − purchases + refunds + payouts = balances', async () => {
      expect(await uow().reads.wallets.totals()).toEqual({ deposits: 0, purchases: 0, refunds: 0, payouts: 0, balances: 0 });
      const [alice, bob] = [await someone(), await someone()];
      const lottery = await stored(uow(), aLottery());
      await deposit(alice, 100);
      await deposit(bob, 40);
      const [bought] = await change(bob, (w) => w.purchase({ id: id(), lotteryId: lottery.id, ballotCount: 1, price: 25, now: NOW }));
      await change(bob, (w) => (bought ? w.refund({ id: id(), purchase: bought, now: NOW }) : undefined));
      await change(alice, (w) => w.purchase({ id: id(), lotteryId: lottery.id, ballotCount: 3, price: 60, now: NOW }));
      await uow().run((repos) => repos.draws.add(aDraw(lottery.id, NOW)));
      await change(bob, (w) => w.payout({ id: id(), lotteryId: lottery.id, ballotCount: 1, amount: 500, now: NOW }));
      const totals = await uow().reads.wallets.totals();
      expect(totals).toEqual({ deposits: 140, purchases: 85, refunds: 25, payouts: 500, balances: 580 });
      expect(ledgerBalances(totals)).toBe(true);
    });
  });
}
