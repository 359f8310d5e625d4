import type { LedgerTotals } from '@fairdraw/domain';
import type { Deps } from './deps.js';

/** Sums over every wallet (admin): deposits − purchases + refunds + payouts = balances, always. */
export async function getLedger(deps: Deps): Promise<LedgerTotals & { currency: string }> {
  return { currency: deps.settings.currency, ...(await deps.uow.reads.wallets.totals()) };
}
