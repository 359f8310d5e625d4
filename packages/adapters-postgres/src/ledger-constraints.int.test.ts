import { type Kysely, sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from './database.js';
import { emptyDatabase, type OwnTestDatabase, startTestDatabase } from './testing/index.js';

// Migration 0006 makes the impossible states of money unrepresentable: written by hand, past
// every use case, the database still refuses them.
let database: OwnTestDatabase | null = null;
const db = (): Kysely<Database> => database?.db ?? never();
function never(): never {
  throw new Error('the test database was not created');
}
beforeAll(async () => {
  database = await startTestDatabase();
});
afterAll(() => database?.close());

const ALICE = '0190f5e2-0000-7000-8000-0000000000a1';
const LOTTERY = '0190f5e2-0000-7000-8000-0000000000b1';
let ids = 0;
const id = () => `0190f5e2-0000-7000-8000-${String(++ids).padStart(12, '0')}`;

beforeEach(async () => {
  await emptyDatabase(db());
  await sql`insert into participants (id, username, role, password_hash, created_at) values (${ALICE}, 'alice', 'participant', 'x', now())`.execute(
    db(),
  );
  await sql`insert into lotteries (id, name, status, tickets_issued, prizes, guests, seed, commitment, created_at, ticket_price)
    values (${LOTTERY}, 'paid', 'open', 0, '[]', false, '\\x00', 'c', now(), 100)`.execute(db());
});

interface Row {
  seq: number;
  kind: string;
  amount: number;
  before: number;
  after: number;
  lottery?: string | null;
  count?: number | null;
  refundOf?: string | null;
  id?: string;
}

/** Inserts entries and moves the wallet to the last one, in one transaction, as the store does. */
async function write(rows: readonly Row[], wallet: 'move' | 'leave' = 'move'): Promise<void> {
  await db()
    .transaction()
    .execute(async (trx) => {
      for (const r of rows) {
        await sql`insert into ledger_entries (id, participant_id, seq, kind, amount, balance_before, balance_after, lottery_id, ballot_count, refund_of, created_at)
          values (${r.id ?? id()}, ${ALICE}, ${r.seq}, ${r.kind}, ${r.amount}, ${r.before}, ${r.after}, ${r.lottery ?? null}, ${r.count ?? null}, ${r.refundOf ?? null}, now())`.execute(
          trx,
        );
      }
      const last = rows.at(-1);
      if (wallet === 'move' && last) {
        await sql`insert into wallets (participant_id, seq, balance, updated_at) values (${ALICE}, ${last.seq}, ${last.after}, now())
          on conflict (participant_id) do update set seq = excluded.seq, balance = excluded.balance, updated_at = excluded.updated_at`.execute(
          trx,
        );
      }
    });
}

const deposit = (seq: number, before: number, amount: number): Row => ({ seq, kind: 'deposit', amount, before, after: before + amount });

describe('the ledger refuses', () => {
  it('accepts a consistent chain (the baseline for every refusal below)', async () => {
    await write([deposit(1, 0, 100), { seq: 2, kind: 'purchase', amount: -100, before: 100, after: 0, lottery: LOTTERY, count: 1 }]);
    const { rows } = await sql<{ balance: number }>`select balance from wallets`.execute(db());
    expect(rows).toEqual([{ balance: 0 }]);
  });

  it('an entry whose balance is not the previous balance plus its amount', async () => {
    await expect(write([{ ...deposit(1, 0, 100), after: 150 }])).rejects.toThrow(/ledger_entries_sum_check/);
    await write([deposit(1, 0, 100)]);
    await expect(write([deposit(2, 90, 10)])).rejects.toThrow(/ledger_entries_chain_fkey/);
    await expect(write([deposit(1, 50, 10)])).rejects.toThrow(/ledger_entries_first_check|ledger_entries_seq_key/);
  });

  it('a negative balance', async () => {
    await write([deposit(1, 0, 100)]);
    await expect(write([{ seq: 2, kind: 'purchase', amount: -150, before: 100, after: -50, lottery: LOTTERY, count: 1 }])).rejects.toThrow(
      /not_negative|wallets_balance_check/,
    );
  });

  it('a wallet balance that is not its latest entry’s', async () => {
    await write([deposit(1, 0, 100)]);
    await expect(sql`update wallets set balance = 1000`.execute(db())).rejects.toThrow(/wallets_head_fkey/);
    // An entry appended without moving the wallet to it is refused at commit.
    await expect(write([deposit(2, 100, 5)], 'leave')).rejects.toThrow(/newer than its wallet/);
    await write([deposit(2, 100, 5)]);
    await expect(sql`update wallets set seq = 1, balance = 100`.execute(db())).rejects.toThrow(/only moves forward/);
  });

  it('changing or removing an entry', async () => {
    await write([deposit(1, 0, 100)]);
    await expect(sql`update ledger_entries set amount = 5`.execute(db())).rejects.toThrow(/never changed/);
    await expect(sql`delete from ledger_entries`.execute(db())).rejects.toThrow(/never changed/);
  });

  it('a payout without a draw, and a second payout of one lottery to one winner', async () => {
    const payout = (seq: number, before: number): Row => ({
      seq,
      kind: 'payout',
      amount: 500,
      before,
      after: before + 500,
      lottery: LOTTERY,
      count: 1,
    });
    await expect(write([payout(1, 0)])).rejects.toThrow(/ledger_entries_payout_draw_fkey/);
    await sql`insert into draws (lottery_id, drawn_at, algorithm, commitment, seed, entries_digest, n, randomness, winners)
      values (${LOTTERY}, now(), 'fairdraw-v1', 'c', 's', 'd', 0, 'r', '[]')`.execute(db());
    await write([payout(1, 0)]);
    await expect(write([payout(2, 500)])).rejects.toThrow(/ledger_entries_payout_key/);
  });

  it('two refunds of one purchase, and a refund that is not of a purchase for its amount', async () => {
    const purchase = id();
    await write([
      deposit(1, 0, 100),
      { id: purchase, seq: 2, kind: 'purchase', amount: -60, before: 100, after: 40, lottery: LOTTERY, count: 2 },
    ]);
    const refund = (seq: number, before: number, amount = 60, refundOf = purchase): Row => ({
      seq,
      kind: 'refund',
      amount,
      before,
      after: before + amount,
      lottery: LOTTERY,
      count: 2,
      refundOf,
    });
    await expect(write([refund(3, 40, 70)])).rejects.toThrow(/ledger_entries_refund_fkey/);
    await write([refund(3, 40)]);
    await expect(write([refund(4, 100)])).rejects.toThrow(/ledger_entries_refund_key/);
  });
});
