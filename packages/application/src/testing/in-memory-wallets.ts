import { type LedgerEntry, type ParticipantId, Wallet } from '@fairdraw/domain';
import type { WalletRepository } from '../ports/repositories.js';
import { isNumber, pageOf } from './in-memory-pages.js';
import { copy, type Session } from './in-memory-store.js';

/** Wallets as the PostgreSQL store keeps them, its constraints (migration 0006) checked on save. */
export function inMemoryWallets(session: Session): WalletRepository {
  const store = () => {
    session.check();
    return session.store();
  };
  const read = (ids: readonly ParticipantId[], empty: boolean) => {
    const found = new Map<ParticipantId, Wallet>();
    for (const id of [...new Set(ids)].sort()) {
      const state = store().wallets.get(id);
      if (state) found.set(id, Wallet.restore(copy(state)));
      else if (empty) {
        if (!store().participants.has(id)) session.rejectAccountless();
        found.set(id, Wallet.empty(id));
      }
    }
    return found;
  };
  return {
    // Outermost runs are serialised, so holding the transaction already holds every row lock.
    async lock(ids) {
      return read(ids, true);
    },
    async find(ids) {
      return read(ids, false);
    },
    async save(wallets) {
      const { wallets: stored, ledger } = store();
      for (const wallet of wallets) {
        const entries = wallet.appended;
        const first = entries[0];
        if (first === undefined) continue;
        const seq = stored.get(wallet.participantId)?.seq ?? 0;
        if (first.seq !== seq + 1) throw new Error(`wallet ${wallet.participantId} moved since it was read`);
        for (const entry of entries) checkEntry(entry, ledger, session);
        for (const entry of entries) ledger.set(entry.id, copy(entry));
        stored.set(wallet.participantId, copy(wallet.toState()));
      }
    },
    async listEntries(participantId, page) {
      const sorted = [...store().ledger.values()].filter((e) => e.participantId === participantId).sort((a, b) => b.seq - a.seq);
      const found = pageOf(
        sorted,
        page,
        (e) => e.seq,
        (key, cursor) => key < cursor,
        isNumber,
      );
      return { items: found.items.map((e) => copy(e)), nextCursor: found.nextCursor };
    },
    async unrefundedPurchases(lotteryId) {
      const entries = [...store().ledger.values()];
      const refunded = new Set(entries.flatMap((e) => (e.refundOf === null ? [] : [e.refundOf])));
      return entries.filter((e) => e.kind === 'purchase' && e.lotteryId === lotteryId && !refunded.has(e.id)).map((e) => copy(e));
    },
    async totals() {
      // `sign` -1 gives the positive total spent (and 0, not -0, when nothing was).
      const sum = (kind: LedgerEntry['kind'], sign = 1) =>
        [...store().ledger.values()].filter((e) => e.kind === kind).reduce((total, e) => total + sign * e.amount, 0);
      return {
        deposits: sum('deposit'),
        purchases: sum('purchase', -1),
        refunds: sum('refund'),
        payouts: sum('payout'),
        balances: [...store().wallets.values()].reduce((total, w) => total + w.balance, 0),
      };
    },
  };
}

/** The ledger's constraints that the domain alone cannot see: they span entries and draws. */
function checkEntry(entry: LedgerEntry, ledger: ReadonlyMap<string, LedgerEntry>, session: Session): void {
  const entries = [...ledger.values()];
  if (entry.kind === 'payout') {
    if (!session.store().draws.has(entry.lotteryId ?? '')) throw new Error(`a payout of lottery ${entry.lotteryId} without its draw`);
    if (entries.some((e) => e.kind === 'payout' && e.lotteryId === entry.lotteryId && e.participantId === entry.participantId)) {
      throw new Error(`a second payout of lottery ${entry.lotteryId} to ${entry.participantId}`);
    }
  }
  if (entry.refundOf !== null) {
    const purchase = ledger.get(entry.refundOf);
    if (purchase?.kind !== 'purchase' || purchase.participantId !== entry.participantId || purchase.amount !== -entry.amount) {
      throw new Error(`refund ${entry.id} does not give back a purchase of its wallet`);
    }
    if (entries.some((e) => e.refundOf === entry.refundOf)) throw new Error(`purchase ${entry.refundOf} is refunded twice`);
  }
}
