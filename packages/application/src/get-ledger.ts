import type { LedgerTotals } from '@fairdraw/domain';
import type { Deps } from './deps.js';

export type GetLedgerDeps = Pick<Deps, 'uow' | 'settings'>;

/** Sums over every wallet (admin): deposits − purchases + refunds + payouts = balances, always. */
export async function getLedger(deps: GetLedgerDeps): Promise<LedgerTotals & { currency: string }> {
  return { currency: deps.settings.currency, ...(await deps.uow.reads.wallets.totals()) };
}
