import { randomInt } from 'node:crypto';
import { createLottery, type Deps, registerParticipant, submitBallots } from '@fairdraw/application';
import type { LotteryId, Player } from '@fairdraw/domain';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from './database.js';
import { type OwnTestDatabase, postgresTestDeps, type Settled, settleAll, startTestDatabase } from './testing/index.js';

// Finite pools under concurrent requests on a real PostgreSQL: numbers are never issued twice,
// the pool's stored slots stay a permutation of 1..N, and a sold-out pool refuses with SOLD_OUT.
let database: OwnTestDatabase | null = null;
let deps: Deps;
let db: Kysely<Database>;
let player: Player;
beforeAll(async () => {
  database = await startTestDatabase({ poolSize: 60 });
  db = database.db;
  deps = postgresTestDeps(db);
  const participant = await registerParticipant(deps, { username: 'buyer', password: 'correct horse battery' });
  player = { participantId: participant.id, isAdmin: false };
});
afterAll(() => database?.close());

const take = (lotteryId: LotteryId, count: number, ticketNumber: number | null = null) =>
  submitBallots(deps, { lotteryId, player, clientIp: '127.0.0.1', count, ticketNumber }).then((r) =>
    r.ballots.map((b) => b.ballot.ticketNumber),
  );

const issuedIn = (results: readonly Settled<number[]>[]) => results.flatMap((r) => (r.ok ? r.value : []));
const codesIn = (results: readonly Settled<unknown>[]) => results.flatMap((r) => (r.ok ? [] : [r.code]));
const oneToN = (n: number) => Array.from({ length: n }, (_, i) => i + 1);
const ascending = (numbers: readonly number[]) => [...numbers].sort((a, b) => a - b);

/** Takes `count` tickets in requests of at most 100 (the per-request maximum). */
async function takeMany(lotteryId: LotteryId, count: number): Promise<number[]> {
  const tickets: number[] = [];
  for (let left = count; left > 0; left -= 100) tickets.push(...(await take(lotteryId, Math.min(100, left))));
  return tickets;
}

async function ticketsInTable(lotteryId: LotteryId): Promise<number[]> {
  const rows = await db
    .selectFrom('ballots')
    .select('ticket_number')
    .where('lottery_id', '=', lotteryId)
    .orderBy('ticket_number')
    .execute();
  return rows.map((row) => row.ticket_number);
}

/**
 * The pool as the domain sees it (ticket-pool.ts): slot p holds its stored ticket or p + 1.
 * Slots below `remaining` are the unissued tickets, the rest the issued ones.
 */
async function poolSlots(lotteryId: LotteryId, size: number): Promise<{ unissued: number[]; issued: number[] }> {
  const rows = await db.selectFrom('pool_slots').select(['position', 'ticket']).where('lottery_id', '=', lotteryId).execute();
  const stored = new Map(rows.map((row) => [row.position, row.ticket]));
  const slots = Array.from({ length: size }, (_, p) => stored.get(p) ?? p + 1);
  const lottery = (await deps.uow.reads.lotteries.findById(lotteryId))?.toState();
  const remaining = size - (lottery?.ticketsIssued ?? Number.NaN);
  return { unissued: slots.slice(0, remaining), issued: slots.slice(remaining) };
}

async function expectConsistentPool(lotteryId: LotteryId, size: number): Promise<void> {
  const { unissued, issued } = await poolSlots(lotteryId, size);
  expect(ascending([...unissued, ...issued])).toEqual(oneToN(size));
  expect(ascending(issued)).toEqual(await ticketsInTable(lotteryId));
}

describe('a finite pool under concurrent requests', () => {
  it('300 simultaneous requests for the last 100 tickets issue exactly those 100; the other 200 are SOLD_OUT', async () => {
    const lottery = await createLottery(deps, { ticketLimit: 400 });
    const first = await takeMany(lottery.id, 300);

    const results = await settleAll(Array.from({ length: 300 }, () => () => take(lottery.id, 1)));
    const last = issuedIn(results);
    expect(last).toHaveLength(100);
    expect(new Set(last).size).toBe(100);
    expect(codesIn(results)).toEqual(Array(200).fill('SOLD_OUT'));

    expect(ascending([...first, ...last])).toEqual(oneToN(400));
    expect(await ticketsInTable(lottery.id)).toEqual(oneToN(400));
    expect((await deps.uow.reads.lotteries.findById(lottery.id))?.toState()).toMatchObject({ status: 'closed', ticketsIssued: 400 });
    await expectConsistentPool(lottery.id, 400);
    await expect(take(lottery.id, 1)).rejects.toMatchObject({ code: 'SOLD_OUT' });
  });

  it('50 simultaneous requests for one chosen number issue it once; 49 are TICKET_TAKEN', async () => {
    const lottery = await createLottery(deps, { ticketLimit: 100 });
    // Random issues first, so the chosen number may sit in a moved slot rather than its own.
    const taken = new Set(await take(lottery.id, 30));
    const chosen = oneToN(100).filter((n) => !taken.has(n))[randomInt(70)] ?? 1;

    const results = await settleAll(Array.from({ length: 50 }, () => () => take(lottery.id, 1, chosen)));
    expect(issuedIn(results)).toEqual([chosen]);
    expect(codesIn(results)).toEqual(Array(49).fill('TICKET_TAKEN'));
    expect((await ticketsInTable(lottery.id)).filter((n) => n === chosen)).toHaveLength(1);
    await expectConsistentPool(lottery.id, 100);
  });

  it('random and chosen requests mixed on one pool never share a number, and the pool stays a permutation', async () => {
    const size = 300;
    const lottery = await createLottery(deps, { ticketLimit: size });
    // 60 random requests of 2 and 60 chosen numbers (some asked for twice): 180 at most, so none sells out.
    const wanted = Array.from({ length: 60 }, () => 1 + randomInt(size));
    const requests = [...wanted.map((n) => () => take(lottery.id, 1, n)), ...Array.from({ length: 60 }, () => () => take(lottery.id, 2))];
    const shuffled = requests.map((request) => ({ request, key: Math.random() })).sort((a, b) => a.key - b.key);
    const results = await settleAll(shuffled.map((s) => s.request));

    const issued = issuedIn(results);
    expect(new Set(issued).size).toBe(issued.length);
    expect(codesIn(results).filter((code) => code !== 'TICKET_TAKEN')).toEqual([]);
    // Every chosen number that was refused went to someone else.
    for (const number of new Set(wanted)) expect(issued).toContain(number);
    expect(ascending(issued)).toEqual(await ticketsInTable(lottery.id));
    await expectConsistentPool(lottery.id, size);

    // Issuing the rest hands out every number exactly once.
    await takeMany(lottery.id, size - issued.length);
    expect(await ticketsInTable(lottery.id)).toEqual(oneToN(size));
    await expectConsistentPool(lottery.id, size);
    await expect(take(lottery.id, 1, wanted[0] ?? 1)).rejects.toMatchObject({ code: 'SOLD_OUT' });
  });
});
