import { type Lottery, type LotteryId, TransactionId } from '@fairdraw/domain';
import type { Deps } from './deps.js';
import { fail } from './errors.js';
import { recordLotteryEvent } from './record-lottery-event.js';

export type CancelLotteryDeps = Pick<Deps, 'uow' | 'clock' | 'random' | 'webhooks'>;

/**
 * Calls off an undrawn lottery and refunds every purchase of it, all in one transaction. The
 * lottery's lock orders it against ballot turns: a turn that committed before is refunded here,
 * a turn after sees the lottery cancelled (LOTTERY_CANCELLED). The ledger refunds a purchase at
 * most once (migration 0006), and the domain cancels a lottery once.
 */
export async function cancelLottery(deps: CancelLotteryDeps, command: { lotteryId: LotteryId }): Promise<Lottery> {
  return deps.uow.run(async (repos) => {
    const lottery = (await repos.lotteries.lock(command.lotteryId)) ?? fail('LOTTERY_NOT_FOUND', 'no such lottery');
    lottery.cancel();
    const now = deps.clock.now();
    const purchases = await repos.wallets.unrefundedPurchases(lottery.id);
    const wallets = await repos.wallets.lock(purchases.map((p) => p.participantId));
    for (const purchase of purchases) {
      const wallet = wallets.get(purchase.participantId);
      if (wallet === undefined) throw new Error(`no wallet was locked for purchase ${purchase.id}`);
      wallet.refund({ id: TransactionId(deps.random.uuid()), purchase, now });
    }
    await repos.wallets.save([...wallets.values()]);
    await repos.lotteries.save(lottery);
    await recordLotteryEvent(deps, repos, { type: 'lottery.cancelled', lottery, at: now });
    return lottery;
  });
}
