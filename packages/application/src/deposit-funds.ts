import { type LedgerEntry, type ParticipantId, TransactionId } from '@fairdraw/domain';
import type { Deps } from './deps.js';
import { walletHolder } from './wallet-holder.js';

export type DepositFundsDeps = Pick<Deps, 'uow' | 'clock' | 'random' | 'settings' | 'payments'>;

/**
 * Credits the caller's wallet with money collected by the payment provider (PAYMENTS), in one
 * transaction: the wallet is locked, the provider asked, the entry appended. Called through
 * runIdempotent with an Idempotency-Key, the stored response commits with the entry, so a replay
 * credits nothing.
 */
export async function depositFunds(
  deps: DepositFundsDeps,
  command: { participantId: ParticipantId; amount: number },
): Promise<LedgerEntry> {
  return deps.uow.run(async (repos) => {
    const holder = await walletHolder(repos.participants, command.participantId, 'self');
    const wallet = (await repos.wallets.lock([holder.id])).get(holder.id);
    if (wallet === undefined) throw new Error(`no wallet was locked for ${holder.id}`);
    const id = TransactionId(deps.random.uuid());
    // The domain checks the amount before anyone is asked for money.
    const entry = wallet.deposit({ id, amount: command.amount, now: deps.clock.now() });
    await deps.payments.collect({ participantId: holder.id, amount: command.amount, currency: deps.settings.currency, reference: id });
    await repos.wallets.save([wallet]);
    return entry;
  });
}
