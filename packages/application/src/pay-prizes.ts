import { type Lottery, type ParticipantId, prizePayouts, TransactionId } from '@fairdraw/domain';
import type { Deps } from './deps.js';
import type { Repositories } from './ports/repositories.js';

/**
 * Credits every winner's wallet with the value of its prizes. Called by the draw in its own
 * transaction after the draw record is added: the draws table's primary key makes a second
 * draw (retried, raced) fail before it pays anything, and the ledger pays a lottery's winner
 * once and only against its draw (migration 0006), so payouts happen exactly once.
 */
export async function payPrizes(
  deps: Pick<Deps, 'random'>,
  repos: Repositories,
  lottery: Lottery,
  winners: readonly { readonly rank: number; readonly participantId: ParticipantId | null }[],
  now: Date,
): Promise<void> {
  const payouts = prizePayouts(lottery.toState().prizes, winners);
  if (payouts.size === 0) return;
  const wallets = await repos.wallets.lock([...payouts.keys()]);
  for (const [participantId, { amount, ballots }] of payouts) {
    const wallet = wallets.get(participantId);
    if (wallet === undefined) throw new Error(`no wallet was locked for winner ${participantId}`);
    wallet.payout({ id: TransactionId(deps.random.uuid()), lotteryId: lottery.id, ballotCount: ballots, amount, now });
  }
  await repos.wallets.save([...wallets.values()]);
}
