import { decodeCursor, fetchSize, pageFrom, type WalletRepository } from '@fairdraw/application';
import { type LedgerEntry, LotteryId, ParticipantId, TransactionId, Wallet } from '@fairdraw/domain';
import { type Kysely, type Selectable, sql } from 'kysely';
import { isTicketKey } from './cursor.js';
import type { Database, LedgerEntriesTable, WalletsTable } from './database.js';
import { asRefusal, isUuid } from './errors.js';

const toWallet = (row: Selectable<WalletsTable>): Wallet =>
  Wallet.restore({ participantId: ParticipantId(row.participant_id), balance: row.balance, seq: row.seq ?? 0, updatedAt: row.updated_at });

const toEntry = (row: Selectable<LedgerEntriesTable>): LedgerEntry => ({
  id: TransactionId(row.id),
  participantId: ParticipantId(row.participant_id),
  seq: row.seq,
  kind: row.kind,
  amount: row.amount,
  balanceAfter: row.balance_after,
  lotteryId: row.lottery_id === null ? null : LotteryId(row.lottery_id),
  ballotCount: row.ballot_count,
  refundOf: row.refund_of === null ? null : TransactionId(row.refund_of),
  createdAt: row.created_at,
});

const ENTRY_COLUMNS = [
  'id',
  'participant_id',
  'seq',
  'kind',
  'amount',
  'balance_before',
  'balance_after',
  'lottery_id',
  'ballot_count',
  'refund_of',
  'created_at',
] as const;

export function postgresWallets(db: Kysely<Database>): WalletRepository {
  const select = (ids: readonly string[]) =>
    db.selectFrom('wallets').selectAll().where('participant_id', '=', sql<string>`any(${ids}::uuid[])`).orderBy('participant_id');
  const byId = (rows: readonly Selectable<WalletsTable>[]) =>
    new Map(rows.map((row) => [ParticipantId(row.participant_id), toWallet(row)]));
  return {
    async lock(ids) {
      const wanted = [...new Set(ids)].filter(isUuid).sort();
      if (wanted.length === 0) return new Map();
      // A wallet row is made on first use, so that there is a row to lock; in id order, as the locks.
      await asRefusal(
        sql`insert into wallets (participant_id, seq, balance, updated_at)
          select id, null, 0, null from unnest(${wanted}::uuid[]) as id order by id
          on conflict (participant_id) do nothing`.execute(db),
      );
      return byId(await select(wanted).forUpdate().execute());
    },
    async find(ids) {
      const wanted = [...new Set(ids)].filter(isUuid);
      if (wanted.length === 0) return new Map();
      return byId(await select(wanted).execute());
    },
    async save(wallets) {
      const moved = wallets.filter((w) => w.appended.length > 0);
      if (moved.length === 0) return;
      const entries = moved.flatMap((w) => w.appended);
      const column = <T>(pick: (e: LedgerEntry) => T) => entries.map(pick);
      // Entries first: each wallet's balance names its latest entry (wallets_head_fkey).
      await sql`insert into ledger_entries (${sql.join(ENTRY_COLUMNS.map((c) => sql.id(c)))})
        select * from unnest(
          ${column((e) => e.id)}::uuid[], ${column((e) => e.participantId)}::uuid[], ${column((e) => e.seq)}::integer[],
          ${column((e) => e.kind)}::text[], ${column((e) => e.amount)}::bigint[], ${column((e) => e.balanceAfter - e.amount)}::bigint[],
          ${column((e) => e.balanceAfter)}::bigint[], ${column((e) => e.lotteryId)}::uuid[], ${column((e) => e.ballotCount)}::integer[],
          ${column((e) => e.refundOf)}::uuid[], ${column((e) => e.createdAt.toISOString())}::timestamptz[]
        )`.execute(db);
      const states = moved.map((w) => ({ state: w.toState(), readAt: (w.appended[0]?.seq ?? 1) - 1 }));
      const { rows } = await sql<{
        participant_id: string;
      }>`update wallets w set seq = u.seq, balance = u.balance, updated_at = u.updated_at
        from unnest(
          ${states.map((s) => s.state.participantId)}::uuid[], ${states.map((s) => s.state.seq)}::integer[],
          ${states.map((s) => s.state.balance)}::bigint[], ${states.map((s) => s.state.updatedAt?.toISOString() ?? null)}::timestamptz[],
          ${states.map((s) => s.readAt)}::integer[]
        ) as u(participant_id, seq, balance, updated_at, read_at)
        where w.participant_id = u.participant_id and coalesce(w.seq, 0) = u.read_at
        returning w.participant_id`.execute(db);
      if (rows.length !== moved.length) throw new Error('a wallet moved since it was read');
    },
    async listEntries(participantId, page) {
      let query = db.selectFrom('ledger_entries').selectAll().where('participant_id', '=', participantId);
      if (page.cursor !== null) query = query.where('seq', '<', decodeCursor(page.cursor, isTicketKey));
      const rows = await query.orderBy('seq', 'desc').limit(fetchSize(page.limit)).execute();
      return pageFrom(rows, page.limit, toEntry, (row) => row.seq);
    },
    async unrefundedPurchases(lotteryId) {
      const rows = await db
        .selectFrom('ledger_entries as p')
        .selectAll('p')
        .where('p.lottery_id', '=', lotteryId)
        .where('p.kind', '=', 'purchase')
        .where(({ not, exists, selectFrom }) =>
          not(exists(selectFrom('ledger_entries as r').select('r.id').whereRef('r.refund_of', '=', 'p.id'))),
        )
        .orderBy('p.id')
        .execute();
      return rows.map(toEntry);
    },
    async totals() {
      // One statement: both sums come from the same snapshot, so they balance even while money moves.
      const { rows } = await sql<{ deposits: string; purchases: string; refunds: string; payouts: string; balances: string }>`
        select
          coalesce(sum(amount) filter (where kind = 'deposit'), 0)::text as deposits,
          coalesce(-sum(amount) filter (where kind = 'purchase'), 0)::text as purchases,
          coalesce(sum(amount) filter (where kind = 'refund'), 0)::text as refunds,
          coalesce(sum(amount) filter (where kind = 'payout'), 0)::text as payouts,
          (select coalesce(sum(balance), 0) from wallets)::text as balances
        from ledger_entries`.execute(db);
      const row = rows[0];
      if (row === undefined) throw new Error('the ledger sums returned no row');
      return {
        deposits: Number(row.deposits),
        purchases: Number(row.purchases),
        refunds: Number(row.refunds),
        payouts: Number(row.payouts),
        balances: Number(row.balances),
      };
    },
  };
}
