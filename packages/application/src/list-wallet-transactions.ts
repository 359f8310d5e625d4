import type { LedgerEntry, ParticipantId } from '@fairdraw/domain';
import type { Deps } from './deps.js';
import type { Page, PageRequest } from './ports/repositories.js';
import { walletHolder } from './wallet-holder.js';

export type ListWalletTransactionsDeps = Pick<Deps, 'uow'>;

/** The caller's ledger entries, newest first. */
export async function listWalletTransactions(
  deps: ListWalletTransactionsDeps,
  query: PageRequest & { participantId: ParticipantId },
): Promise<Page<LedgerEntry>> {
  const { reads } = deps.uow;
  const holder = await walletHolder(reads.participants, query.participantId, 'self');
  return reads.wallets.listEntries(holder.id, query);
}
