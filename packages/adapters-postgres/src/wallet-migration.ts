import { sql } from 'kysely';
import type { Migration } from 'kysely/migration';

/**
 * Wallets, ticket prices, prize values and cancelled lotteries (API.md, *Wallets and paid
 * entries*). The ledger is built so that the states that must never happen cannot be stored:
 *
 * - Each entry carries the balance before and after it (`balance_after = balance_before +
 *   amount`, both ≥ 0), and a foreign key ties its `balance_before` to the previous entry's
 *   `balance_after` (same wallet, seq − 1), the first one starting at 0. A wallet's entries are
 *   therefore one chain whose balances are the running sums of the amounts.
 * - `wallets` (one row per wallet, the row purchases lock) names its latest entry by a foreign
 *   key on (participant, seq, balance), so its balance is an entry's; a deferred trigger checks
 *   at commit that no entry is newer than the wallet's, so it is the latest entry's.
 * - Entries are never updated or deleted (a trigger refuses it), and a wallet's head never
 *   moves back.
 * - A payout references the lottery's draw; one payout per (lottery, participant).
 * - A refund references its purchase (same wallet, same lottery, the same amount back), and a
 *   purchase has at most one refund.
 */
export const wallets: Migration = {
  async up(db) {
    for (const statement of [
      sql`alter table lotteries drop constraint lotteries_status_check`,
      sql`alter table lotteries add constraint lotteries_status_check check (status in ('open', 'closed', 'drawn', 'cancelled'))`,
      sql`alter table lotteries add column ticket_price bigint not null default 0 constraint lotteries_ticket_price_check check (ticket_price >= 0)`,
      sql`alter table lotteries add column currency text not null default 'EUR'`,
      sql`create table ledger_entries (
        id uuid primary key,
        participant_id uuid not null references participants (id),
        seq integer not null check (seq >= 1),
        kind text not null check (kind in ('deposit', 'purchase', 'refund', 'payout')),
        amount bigint not null,
        balance_before bigint not null,
        balance_after bigint not null,
        lottery_id uuid references lotteries (id),
        ballot_count integer check (ballot_count >= 1),
        refund_of uuid,
        created_at timestamptz not null,
        previous_seq integer generated always as (nullif(seq - 1, 0)) stored,
        refunded_amount bigint generated always as (-amount) stored,
        paid_draw uuid generated always as (case when kind = 'payout' then lottery_id end) stored
          constraint ledger_entries_payout_draw_fkey references draws (lottery_id),
        constraint ledger_entries_seq_key unique (participant_id, seq),
        constraint ledger_entries_balance_key unique (participant_id, seq, balance_after),
        constraint ledger_entries_purchase_key unique (id, participant_id, lottery_id, amount),
        constraint ledger_entries_chain_fkey foreign key (participant_id, previous_seq, balance_before)
          references ledger_entries (participant_id, seq, balance_after),
        constraint ledger_entries_first_check check (seq > 1 or balance_before = 0),
        constraint ledger_entries_sum_check check (balance_after = balance_before + amount),
        constraint ledger_entries_not_negative check (balance_before >= 0 and balance_after >= 0),
        constraint ledger_entries_sign_check check (case when kind = 'purchase' then amount < 0 else amount > 0 end),
        constraint ledger_entries_lottery_check check ((kind = 'deposit') = (lottery_id is null) and (lottery_id is null) = (ballot_count is null)),
        constraint ledger_entries_refund_check check ((kind = 'refund') = (refund_of is not null)),
        constraint ledger_entries_refund_key unique (refund_of),
        constraint ledger_entries_refund_fkey foreign key (refund_of, participant_id, lottery_id, refunded_amount)
          references ledger_entries (id, participant_id, lottery_id, amount)
      )`,
      sql`create unique index ledger_entries_payout_key on ledger_entries (lottery_id, participant_id) where kind = 'payout'`,
      // A cancel reads the purchases of its lottery.
      sql`create index ledger_entries_purchases on ledger_entries (lottery_id) where kind = 'purchase'`,
      sql`create table wallets (
        participant_id uuid primary key references participants (id),
        seq integer,
        balance bigint not null check (balance >= 0),
        updated_at timestamptz,
        constraint wallets_empty_check check (seq is not null or (balance = 0 and updated_at is null)),
        constraint wallets_head_fkey foreign key (participant_id, seq, balance)
          references ledger_entries (participant_id, seq, balance_after)
      )`,
      sql`create function ledger_entry_is_latest() returns trigger language plpgsql as $$
        begin
          if not exists (select 1 from wallets w where w.participant_id = new.participant_id and w.seq >= new.seq) then
            raise exception 'ledger entry % is newer than its wallet''s balance', new.id using errcode = '23514';
          end if;
          return null;
        end $$`,
      sql`create constraint trigger ledger_entries_latest after insert on ledger_entries
        deferrable initially deferred for each row execute function ledger_entry_is_latest()`,
      sql`create function ledger_entries_append_only() returns trigger language plpgsql as $$
        begin
          raise exception 'ledger entries are never changed or removed' using errcode = '23514';
        end $$`,
      sql`create trigger ledger_entries_append_only before update or delete on ledger_entries
        for each row execute function ledger_entries_append_only()`,
      sql`create function wallet_moves_forward() returns trigger language plpgsql as $$
        begin
          if old.seq is not null and (new.seq is null or new.seq < old.seq) then
            raise exception 'a wallet''s balance only moves forward through its ledger' using errcode = '23514';
          end if;
          return new;
        end $$`,
      sql`create trigger wallets_move_forward before update on wallets for each row execute function wallet_moves_forward()`,
    ]) {
      await statement.execute(db);
    }
  },
};
