import {
  cancelLottery,
  closeDueLotteries,
  closeLottery,
  createLottery,
  type Deps,
  depositFunds,
  drawLottery,
  getLedger,
  registerParticipant,
  runIdempotent,
  submitBallots,
  submitBallotsOnce,
} from '@fairdraw/application';
import { type LotteryId, ledgerBalances, type ParticipantId, type Player } from '@fairdraw/domain';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OwnTestDatabase, postgresTestDeps, type Settled, settleAll, startTestDatabase } from './testing/index.js';

// Money racing itself on a real PostgreSQL: purchases from one wallet, purchases against a
// cancel, draws retried and raced, replays. Two "API processes" (each its own ballot queue)
// share the database, and the pool (60) is larger than any race, so the database decides.
let database: OwnTestDatabase | null = null;
let processes: [Deps, Deps];
beforeAll(async () => {
  database = await startTestDatabase({ poolSize: 60 });
  processes = [postgresTestDeps(database.db), postgresTestDeps(database.db)];
});
afterAll(() => database?.close());

const db = () => database?.db ?? never();
const deps = () => processes[0];
const either = (i: number) => processes[i % 2] ?? never();
function never(): never {
  throw new Error('the test database was not created');
}

let players = 0;
async function aPayer(deposit: number): Promise<Player & { participantId: ParticipantId }> {
  const participant = await registerParticipant(deps(), { username: `payer-${++players}`, password: 'correct horse battery' });
  if (deposit > 0) await depositFunds(deps(), { participantId: participant.id, amount: deposit });
  return { participantId: participant.id, isAdmin: false };
}

const buy = (process: Deps, lotteryId: LotteryId, player: Player, count = 1) =>
  submitBallots(process, { lotteryId, player, clientIp: '127.0.0.1', count, ticketNumber: null });

const codes = (results: readonly Settled<unknown>[]) => results.map((r) => (r.ok ? 'ok' : r.code));
const tally = (results: readonly Settled<unknown>[]) => {
  const counts: Record<string, number> = {};
  for (const code of codes(results)) counts[code] = (counts[code] ?? 0) + 1;
  return counts;
};

async function balanceOf(participantId: ParticipantId): Promise<number> {
  const { rows } = await sql<{ balance: number }>`select balance from wallets where participant_id = ${participantId}`.execute(db());
  return rows[0]?.balance ?? 0;
}

async function count(where: ReturnType<typeof sql>): Promise<number> {
  const { rows } = await sql<{ n: number }>`select count(*)::int as n from ledger_entries where ${where}`.execute(db());
  return rows[0]?.n ?? -1;
}

/** /ledger balances, and agrees with the wallets table summed directly. */
async function expectLedgerBalances(): Promise<void> {
  const totals = await getLedger(deps());
  expect(ledgerBalances(totals), JSON.stringify(totals)).toBe(true);
  const { rows } = await sql<{ total: number }>`select coalesce(sum(balance), 0)::int as total from wallets`.execute(db());
  expect(totals.balances).toBe(rows[0]?.total);
}

describe('one wallet spent by many requests at once', () => {
  it('100 purchases from a wallet holding enough for 10: exactly 10 succeed, the balance is 0, 90 × INSUFFICIENT_FUNDS', async () => {
    const payer = await aPayer(1000);
    // Two lotteries, so that turns of different lotteries (and processes) charge the one wallet.
    const lotteries = [await createLottery(deps(), { ticketPrice: 100 }), await createLottery(deps(), { ticketPrice: 100 })];
    const results = await settleAll(
      Array.from({ length: 100 }, (_, i) => () => buy(either(i), (lotteries[Math.floor(i / 2) % 2] ?? never()).id, payer)),
    );
    expect(tally(results)).toEqual({ ok: 10, INSUFFICIENT_FUNDS: 90 });
    expect(await balanceOf(payer.participantId)).toBe(0);
    const balances = results.flatMap((r) => (r.ok ? [r.value.balance] : []));
    expect(balances.sort((a, b) => (b ?? 0) - (a ?? 0))).toEqual([900, 800, 700, 600, 500, 400, 300, 200, 100, 0]);
    const ballots = await sql<{ n: number }>`select count(*)::int as n from ballots where participant_id = ${payer.participantId}`.execute(
      db(),
    );
    expect(ballots.rows[0]?.n).toBe(10);
    expect(await count(sql`participant_id = ${payer.participantId} and kind = 'purchase'`)).toBe(10);
    await expectLedgerBalances();
  });
});

describe('admins', () => {
  it('an admin’s ballot on a priced lottery is ADMIN_CANNOT_PLAY, and opens no wallet for them', async () => {
    const lottery = await createLottery(deps(), { ticketPrice: 100 });
    const admin = await registerParticipant(deps(), { username: `treasurer-${++players}`, password: 'correct horse battery' }, 'admin');
    const payer = await aPayer(1000);
    // In one turn with purchases that commit, so the admin's refusal does not roll the turn back.
    const results = await settleAll([
      () => buy(deps(), lottery.id, payer),
      () => buy(deps(), lottery.id, payer),
      () => buy(deps(), lottery.id, { participantId: admin.id, isAdmin: true }),
      () => buy(deps(), lottery.id, payer),
    ]);
    expect(codes(results)).toEqual(['ok', 'ok', 'ADMIN_CANNOT_PLAY', 'ok']);
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from wallets where participant_id = ${admin.id}`.execute(db());
    expect(rows[0]?.n).toBe(0);
  });
});

describe('purchases racing a cancel', () => {
  it('every purchase that succeeded is refunded exactly once; the others are LOTTERY_CANCELLED', async () => {
    for (let round = 0; round < 3; round++) {
      const lottery = await createLottery(deps(), { ticketPrice: 50 });
      const payers = [await aPayer(10_000), await aPayer(10_000), await aPayer(10_000)];
      const purchase = (i: number) => () => buy(either(i), lottery.id, payers[i % 3] ?? never(), 1 + (i % 3));
      const early = Array.from({ length: 20 }, (_, i) => purchase(i)());
      await Promise.any(early);
      const cancelling = cancelLottery(either(round), { lotteryId: lottery.id });
      const late = Array.from({ length: 20 }, (_, i) => purchase(20 + i)());
      const results = await settleAll([...early, ...late].map((p) => () => p));
      expect((await cancelling).toState().status).toBe('cancelled');
      expect(codes(results).filter((c) => c !== 'ok' && c !== 'LOTTERY_CANCELLED')).toEqual([]);
      const bought = results.filter((r) => r.ok).length;
      expect(bought).toBeGreaterThan(0);
      expect(await count(sql`lottery_id = ${lottery.id} and kind = 'purchase'`)).toBe(bought);
      // One refund per purchase, for its whole amount: every wallet is back where it started.
      const { rows } = await sql<{ refunds: number }>`
        select count(r.id)::int as refunds from ledger_entries p left join ledger_entries r on r.refund_of = p.id
        where p.lottery_id = ${lottery.id} and p.kind = 'purchase' group by p.id`.execute(db());
      expect(rows.map((r) => r.refunds)).toEqual(Array(bought).fill(1));
      for (const payer of payers) expect(await balanceOf(payer.participantId)).toBe(10_000);
      await expectLedgerBalances();
    }
  });
});

describe('draws retried and raced', () => {
  it('pays each winner once, however many draws race or are retried', async () => {
    const lottery = await createLottery(deps(), {
      ticketPrice: 10,
      closesAt: new Date(Date.now() + 1500),
      prizes: [
        { name: 'Jackpot', amount: 1, value: 100_000 },
        { name: 'Small', amount: 3, value: 1_000 },
      ],
    });
    const payers = [await aPayer(100), await aPayer(100), await aPayer(100)];
    for (const [i, payer] of payers.entries()) await buy(deps(), lottery.id, payer, 2 + i);
    await new Promise((resolve) => setTimeout(resolve, 1600));
    // Admins' draws and scheduled runs at once, on both processes, then retried.
    const results = await settleAll<unknown>([
      ...Array.from({ length: 6 }, (_, i) => () => drawLottery(either(i), { lotteryId: lottery.id })),
      () => closeDueLotteries(either(0)),
      () => closeDueLotteries(either(1)),
    ]);
    const draws = results.slice(0, 6);
    const scheduled = results.slice(6).flatMap((r) => (r.ok ? [(r.value as { drawn: unknown[] }).drawn.length] : [-1]));
    // Exactly one of them drew it.
    expect((tally(draws).ok ?? 0) + scheduled.reduce((sum, n) => sum + n, 0)).toBe(1);
    expect(codes(draws).filter((c) => c !== 'ok' && c !== 'ALREADY_DRAWN')).toEqual([]);
    // One at a time: a second promise made up front would reject unobserved while the first is awaited.
    for (const retry of [() => drawLottery(deps(), { lotteryId: lottery.id }), () => closeLottery(deps(), { lotteryId: lottery.id })]) {
      await expect(retry()).rejects.toMatchObject({ code: 'ALREADY_DRAWN' });
    }
    expect((await closeDueLotteries(deps())).drawn).toEqual([]);
    const paid = await sql<{ participant_id: string; amount: number }>`
      select participant_id, amount from ledger_entries where lottery_id = ${lottery.id} and kind = 'payout'`.execute(db());
    expect(paid.rows.reduce((sum, r) => sum + r.amount, 0)).toBe(100_000 + 3 * 1_000);
    expect(new Set(paid.rows.map((r) => r.participant_id)).size).toBe(paid.rows.length);
    for (const payer of payers) {
      const own = paid.rows.find((r) => r.participant_id === payer.participantId)?.amount ?? 0;
      expect(await balanceOf(payer.participantId)).toBe(100 - 10 * (2 + payers.indexOf(payer)) + own);
    }
    await expectLedgerBalances();
  });
});

describe('idempotent replays', () => {
  it('a deposit sent ten times at once with one Idempotency-Key to two processes credits once', async () => {
    const payer = await aPayer(0);
    const once = { scope: `participant:${payer.participantId}`, key: 'deposit-key', fingerprint: 'same body' };
    const send = (i: number) => () =>
      runIdempotent(either(i), once, async () => ({
        status: 201,
        body: JSON.stringify((await depositFunds(either(i), { participantId: payer.participantId, amount: 777 })).id),
      }));
    const results = await settleAll(Array.from({ length: 10 }, (_, i) => send(i)));
    expect(codes(results).filter((c) => c !== 'ok' && c !== 'IDEMPOTENCY_IN_PROGRESS')).toEqual([]);
    // Retried later, on either process: the first response again.
    for (const i of [0, 1]) expect(await send(i)()).toMatchObject({ replayed: true });
    expect(await balanceOf(payer.participantId)).toBe(777);
    expect(await count(sql`participant_id = ${payer.participantId}`)).toBe(1);
    await expectLedgerBalances();
  });

  it('a purchase sent ten times at once with one Idempotency-Key to two processes is charged once', async () => {
    const lottery = await createLottery(deps(), { ticketPrice: 300 });
    const payer = await aPayer(1000);
    const once = { scope: `participant:${payer.participantId}`, key: 'purchase-key', fingerprint: 'same body' };
    const respond = (_: unknown, { charged, balance }: { charged: number; balance: number | null }) => ({
      status: 201,
      body: JSON.stringify({ charged, balance }),
    });
    const command = { lotteryId: lottery.id, player: payer, clientIp: '127.0.0.1', count: 2, ticketNumber: null };
    const results = await settleAll(Array.from({ length: 10 }, (_, i) => () => submitBallotsOnce(either(i), command, once, respond)));
    expect(codes(results).filter((c) => c !== 'ok' && c !== 'IDEMPOTENCY_IN_PROGRESS')).toEqual([]);
    const bodies = new Set(results.flatMap((r) => (r.ok ? [r.value.body] : [])));
    expect([...bodies].map((b) => JSON.parse(b))).toEqual([{ charged: 600, balance: 400 }]);
    expect(await balanceOf(payer.participantId)).toBe(400);
    expect(await count(sql`participant_id = ${payer.participantId} and kind = 'purchase'`)).toBe(1);
    await expectLedgerBalances();
  });
});
