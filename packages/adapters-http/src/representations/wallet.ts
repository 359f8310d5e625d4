import type { WalletView } from '@fairdraw/application';
import type { LedgerEntry, LedgerTotals } from '@fairdraw/domain';
import { z } from 'zod';
import { Id, Timestamp } from '../schemas/common.js';

const Money = z.int().describe('minor units of currency (cents for EUR)');

export const WalletSchema = z
  .object({
    balance: Money.min(0),
    currency: z.string().describe('ISO 4217'),
    updated_at: Timestamp.describe('when the balance last moved; for a wallet never used, when the account was opened'),
  })
  .meta({ id: 'Wallet' });

export function walletView(wallet: WalletView): z.output<typeof WalletSchema> {
  return { balance: wallet.balance, currency: wallet.currency, updated_at: wallet.updatedAt.toISOString() };
}

export const TransactionSchema = z
  .object({
    id: Id,
    kind: z.enum(['deposit', 'purchase', 'refund', 'payout']),
    amount: Money.describe('signed minor units: a purchase is negative'),
    balance_after: Money.min(0),
    lottery_id: Id.nullable().describe('null for deposits'),
    ballot_count: z.int().nullable().describe('ballots bought, refunded or paid; null for deposits'),
    created_at: Timestamp,
  })
  .meta({ id: 'Transaction' });

export function transactionView(entry: LedgerEntry): z.output<typeof TransactionSchema> {
  return {
    id: entry.id,
    kind: entry.kind,
    amount: entry.amount,
    balance_after: entry.balanceAfter,
    lottery_id: entry.lotteryId,
    ballot_count: entry.ballotCount,
    created_at: entry.createdAt.toISOString(),
  };
}

export const LedgerSchema = z
  .object({
    currency: z.string(),
    deposits: Money,
    purchases: Money.describe('the positive total spent'),
    refunds: Money,
    payouts: Money,
    balances: Money.describe('deposits − purchases + refunds + payouts, always'),
  })
  .meta({ id: 'Ledger' });

export function ledgerView(ledger: LedgerTotals & { currency: string }): z.output<typeof LedgerSchema> {
  const { currency, deposits, purchases, refunds, payouts, balances } = ledger;
  return { currency, deposits, purchases, refunds, payouts, balances };
}
