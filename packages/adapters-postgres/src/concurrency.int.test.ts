import {
  closeLottery,
  createLottery,
  type Deps,
  drawLottery,
  registerParticipant,
  runIdempotent,
  submitBallots,
  submitBallotsOnce,
} from '@fairdraw/application';
import { aDraw } from '@fairdraw/application/testing';
import { EntriesDigest, entryLine, type LotteryId, type Player } from '@fairdraw/domain';
import { type RawBuilder, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OwnTestDatabase, postgresTestDeps, type Settled, settle, settleAll, startTestDatabase } from './testing/index.js';

// Closes, draws and idempotent replays racing each other on a real PostgreSQL. The pool (60) is
// larger than any race here (51), so every request holds its own connection and the database,
// not the pool's queue, decides the order.
let database: OwnTestDatabase | null = null;
let deps: Deps;
beforeAll(async () => {
  database = await startTestDatabase({ poolSize: 60 });
  deps = postgresTestDeps(database.db);
});
afterAll(() => database?.close());

let players = 0;
async function aPlayer(): Promise<Player> {
  const participant = await registerParticipant(deps, { username: `player-${++players}`, password: 'correct horse battery' });
  return { participantId: participant.id, isAdmin: false };
}

const oneBallot = (lotteryId: LotteryId, player: Player) =>
  submitBallots(deps, { lotteryId, player, clientIp: '127.0.0.1', count: 1, ticketNumber: null });

const successes = <T>(results: readonly Settled<T>[]): T[] => results.flatMap((r) => (r.ok ? [r.value] : []));
const failures = (results: readonly Settled<unknown>[]): string[] => results.flatMap((r) => (r.ok ? [] : [r.code]));

async function rowCount(table: 'draws' | 'ballots' | 'idempotency_keys', where: RawBuilder<unknown>): Promise<number> {
  const db = database?.db ?? never();
  const { rows } = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)} where ${where}`.execute(db);
  return rows[0]?.n ?? -1;
}

function never(): never {
  throw new Error('the test database was not created');
}

describe('ballots racing a close', () => {
  /** 50 ballots and a close of one lottery at once; what each side saw. */
  async function race() {
    const lottery = await createLottery(deps, {});
    const player = await aPlayer();
    const early = Array.from({ length: 25 }, () => oneBallot(lottery.id, player));
    // At least one ballot is in before the close starts, and 25 more start right behind it.
    await Promise.any(early);
    const closing = closeLottery(deps, { lotteryId: lottery.id });
    const late = Array.from({ length: 25 }, () => oneBallot(lottery.id, player));
    const results = await Promise.all([...early, ...late].map(settle));
    const closed = (await closing).toState();
    const issued = successes(results).flatMap((r) => r.ballots.map((i) => i.ballot));
    return { lotteryId: lottery.id, closed, issued, refused: failures(results) };
  }

  // Which side wins how many is up to the scheduler: one race can end with every ballot in before
  // the close, five practically never all do.
  it('freezes exactly the ballots that succeeded; every other request is refused as LOTTERY_CLOSED', async () => {
    const refusedPerRound: number[] = [];
    for (let round = 0; round < 5; round++) {
      const { lotteryId, closed, issued, refused } = await race();
      refusedPerRound.push(refused.length);
      expect(refused.filter((code) => code !== 'LOTTERY_CLOSED')).toEqual([]);
      expect(issued.length).toBeGreaterThan(0);
      expect(issued.length + refused.length).toBe(50);

      // The frozen digest covers exactly the successful ballots, in ticket order.
      const sorted = [...issued].sort((a, b) => a.ticketNumber - b.ticketNumber);
      const digest = new EntriesDigest();
      for (const ballot of sorted) digest.add(ballot.ticketNumber, ballot.id);
      const expected = digest.finish();
      expect(closed.entriesDigest).toBe(expected.entriesDigest);
      expect(closed.entryCount).toBe(expected.n);

      // And so does the table: nothing committed after the close, nothing lost before it.
      let stored = '';
      for await (const text of deps.uow.reads.ballots.entriesText(lotteryId)) stored += text;
      expect(stored).toBe(sorted.map((b) => entryLine(b.ticketNumber, b.id)).join(''));
      expect(sorted.map((b) => b.ticketNumber)).toEqual(sorted.map((_, i) => i + 1));
      const closedAt = closed.closedAt ?? never();
      for (const ballot of sorted) expect(ballot.createdAt.getTime()).toBeLessThanOrEqual(closedAt.getTime());
      const reread = (await deps.uow.reads.lotteries.findById(lotteryId))?.toState();
      expect(reread).toMatchObject({ status: 'closed', ticketsIssued: sorted.length, entriesDigest: expected.entriesDigest });
    }
    expect(refusedPerRound.some((n) => n > 0)).toBe(true);
  });
});

describe('requests waiting for the lottery lock while its closing instant passes', () => {
  /** Runs `request` while another transaction holds the lottery row, and releases it only after `closesAt`. */
  async function heldPast<T>(lotteryId: LotteryId, closesAt: Date, request: () => Promise<T>): Promise<Settled<T>> {
    const db = database?.db ?? never();
    const { waiting } = await db.transaction().execute(async (trx) => {
      // Hold the row as a close or another ballot would, so the request queues behind it.
      await trx.selectFrom('lotteries').select('id').where('id', '=', lotteryId).forUpdate().execute();
      const queued = settle(request());
      while (Date.now() <= closesAt.getTime()) await new Promise((resolve) => setTimeout(resolve, 50));
      return { waiting: queued };
    });
    return waiting;
  }

  it('a ballot is refused, even before the close is recorded', async () => {
    const closesAt = new Date(Date.now() + 300);
    const lottery = await createLottery(deps, { closesAt });
    const player = await aPlayer();
    expect(await heldPast(lottery.id, closesAt, () => oneBallot(lottery.id, player))).toEqual({ ok: false, code: 'LOTTERY_CLOSED' });
    expect(await rowCount('ballots', sql`lottery_id = ${lottery.id}`)).toBe(0);
  });

  it('a draw closes the lottery and draws it', async () => {
    const closesAt = new Date(Date.now() + 300);
    const lottery = await createLottery(deps, { closesAt });
    await oneBallot(lottery.id, await aPlayer());
    const drawn = await heldPast(lottery.id, closesAt, () => drawLottery(deps, { lotteryId: lottery.id }));
    expect(drawn).toMatchObject({ ok: true, value: { record: { n: 1 } } });
  });
});

describe('racing draws', () => {
  async function lotteryWithBallots(closesAt: Date | null): Promise<LotteryId> {
    const lottery = await createLottery(deps, {
      closesAt,
      prizes: [
        { name: 'Gold', amount: 1 },
        { name: 'Silver', amount: 2 },
      ],
    });
    const player = await aPlayer();
    for (let i = 0; i < 5; i++) await oneBallot(lottery.id, player);
    return lottery.id;
  }

  async function expectOneDraw(lotteryId: LotteryId): Promise<void> {
    const results = await settleAll(Array.from({ length: 10 }, () => () => drawLottery(deps, { lotteryId })));
    expect(failures(results)).toEqual(Array(9).fill('ALREADY_DRAWN'));
    const [won] = successes(results);
    expect(await rowCount('draws', sql`lottery_id = ${lotteryId}`)).toBe(1);
    const stored = await deps.uow.reads.draws.findByLottery(lotteryId);
    expect(stored?.winners).toEqual(won?.record?.winners);
    expect(stored?.winners).toHaveLength(3);
    expect((await deps.uow.reads.lotteries.findById(lotteryId))?.toState().status).toBe('drawn');
  }

  it('ten concurrent draws of a closed lottery make exactly one draw', async () => {
    const lotteryId = await lotteryWithBallots(null);
    await closeLottery(deps, { lotteryId });
    await expectOneDraw(lotteryId);
  });

  it('ten concurrent draws of a lottery past its closing instant close it once and draw it once', async () => {
    const closesAt = new Date(Date.now() + 500);
    const lotteryId = await lotteryWithBallots(closesAt);
    // Wait for the closing instant to pass (not a timing assertion: the draws below need it past).
    while (Date.now() <= closesAt.getTime()) await new Promise((resolve) => setTimeout(resolve, 50));
    await expectOneDraw(lotteryId);
    expect((await deps.uow.reads.lotteries.findById(lotteryId))?.toState().entryCount).toBe(5);
  });

  it('the draws table alone refuses a second draw, without the lottery lock', async () => {
    const lotteryId = await lotteryWithBallots(null);
    const results = await settleAll(
      Array.from({ length: 10 }, () => () => deps.uow.run((repos) => repos.draws.add(aDraw(lotteryId, new Date())))),
    );
    expect(successes(results)).toHaveLength(1);
    expect(failures(results)).toEqual(Array(9).fill('ALREADY_DRAWN'));
    expect(await rowCount('draws', sql`lottery_id = ${lotteryId}`)).toBe(1);
  });
});

describe('one Idempotency-Key, ten concurrent requests', () => {
  it('applies the ballot once; the others are told it is in progress or get the first response', async () => {
    const lottery = await createLottery(deps, {});
    const player = await aPlayer();
    const request = { scope: `ballots:${player.participantId}:${lottery.id}`, key: 'one-key', fingerprint: 'same body' };
    const action = async () => {
      const { ballots } = await oneBallot(lottery.id, player);
      return { status: 201, body: JSON.stringify({ ballots: ballots.map((b) => ({ id: b.ballot.id, code: b.verificationCode })) }) };
    };
    const results = await settleAll(Array.from({ length: 10 }, () => () => runIdempotent(deps, request, action)));

    expect(failures(results).every((code) => code === 'IDEMPOTENCY_IN_PROGRESS')).toBe(true);
    const answered = successes(results);
    expect(answered.filter((r) => !r.replayed)).toHaveLength(1);
    const first = answered.find((r) => !r.replayed);
    for (const replay of answered) expect(replay.body).toBe(first?.body);
    expect(await rowCount('ballots', sql`lottery_id = ${lottery.id}`)).toBe(1);
    expect(await rowCount('idempotency_keys', sql`key = 'one-key'`)).toBe(1);

    // Once the dust settles, the key only ever replays.
    const later = await runIdempotent(deps, request, action);
    expect(later).toMatchObject({ replayed: true, body: first?.body, status: 201 });
    expect(await rowCount('ballots', sql`lottery_id = ${lottery.id}`)).toBe(1);
  });
});

describe('ballots grouped into turns (group commit)', () => {
  it('two API processes selling one pool issue every ticket once and refuse the rest as SOLD_OUT', async () => {
    const db = database?.db ?? never();
    const processes = [postgresTestDeps(db), postgresTestDeps(db)];
    const lottery = await createLottery(deps, { ticketLimit: 150, entry: { guests: true } });
    const guest: Player = { participantId: null, isAdmin: false };
    const results = await settleAll(
      Array.from(
        { length: 200 },
        (_, i) => () =>
          submitBallots(processes[i % 2] ?? never(), {
            lotteryId: lottery.id,
            player: guest,
            clientIp: `10.1.0.${i}`,
            count: 1,
            ticketNumber: null,
          }),
      ),
    );
    const tickets = successes(results).flatMap((r) => r.ballots.map((b) => b.ballot.ticketNumber));
    expect(tickets.slice().sort((a, b) => a - b)).toEqual(Array.from({ length: 150 }, (_, i) => i + 1));
    expect(failures(results)).toEqual(Array(50).fill('SOLD_OUT'));
    // The process that sold the last ticket freezes the entries right after its commit.
    await Promise.all(processes.map((p) => p.ballotBatches.idle()));
    const closed = (await deps.uow.reads.lotteries.findById(lottery.id))?.toState();
    const digest = new EntriesDigest();
    for await (const text of deps.uow.reads.ballots.entriesText(lottery.id)) digest.addLines(text);
    expect(closed).toMatchObject({ status: 'closed', ticketsIssued: 150, entriesDigest: digest.finish().entriesDigest });
  });

  it('entry limits hold across turns and API processes, counted by the entry counters', async () => {
    const db = database?.db ?? never();
    const processes = [postgresTestDeps(db), postgresTestDeps(db)];
    const lottery = await createLottery(deps, { entry: { guests: true, perParticipantLimit: 2, perIpLimit: 3 } });
    const player = await aPlayer();
    const guest: Player = { participantId: null, isAdmin: false };
    const results = await settleAll(
      Array.from(
        { length: 40 },
        (_, i) => () =>
          submitBallots(processes[i % 2] ?? never(), {
            lotteryId: lottery.id,
            player: i % 4 === 0 ? player : guest,
            clientIp: i % 4 === 0 ? '10.2.0.1' : '10.2.0.2',
            count: 1,
            ticketNumber: null,
          }),
      ),
    );
    // The participant's address is another one, so only their own limit (2) applies to them.
    expect(successes(results)).toHaveLength(2 + 3);
    expect(new Set(failures(results))).toEqual(new Set(['ENTRY_LIMIT_REACHED']));
    const { rows } = await sql<{ holder: string; tickets: number }>`
      select holder, tickets from entry_counts where lottery_id = ${lottery.id} order by holder`.execute(db);
    expect(rows.map((r) => r.tickets).sort()).toEqual([2, 2, 3]);
    expect(await rowCount('ballots', sql`lottery_id = ${lottery.id}`)).toBe(5);
  });

  it('turns serving many lotteries in two API processes at once: no deadlock, every lottery numbered 1..k', async () => {
    const db = database?.db ?? never();
    const processes = [postgresTestDeps(db), postgresTestDeps(db)];
    const lotteries = await Promise.all(Array.from({ length: 8 }, () => createLottery(deps, {})));
    const player = await aPlayer();
    // Each process sees requests for every lottery at once, in a different order: its turns
    // lock overlapping sets of lotteries (lockMany takes them in id order in one statement).
    const order = (i: number) => (i % 2 === 0 ? Math.floor(i / 2) % 8 : 7 - (Math.floor(i / 2) % 8));
    const results = await settleAll(
      Array.from(
        { length: 240 },
        (_, i) => () =>
          submitBallots(processes[i % 2] ?? never(), {
            lotteryId: lotteries[order(i)]?.id ?? never(),
            player,
            clientIp: '127.0.0.1',
            count: 1,
            ticketNumber: null,
          }),
      ),
    );
    expect(failures(results)).toEqual([]);
    for (const lottery of lotteries) {
      const { rows } = await sql<{ ticket_number: number }>`
        select ticket_number from ballots where lottery_id = ${lottery.id} order by ticket_number`.execute(db);
      expect(rows.map((r) => r.ticket_number)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
      expect((await deps.uow.reads.lotteries.findById(lottery.id))?.toState().ticketsIssued).toBe(30);
    }
  });

  it('a ballot whose account is gone fails alone, with UNAUTHORIZED, when its turn is run again request by request', async () => {
    const lottery = await createLottery(deps, {});
    const player = await aPlayer();
    const ghost: Player = { participantId: '0190f5e2-0000-7000-8000-00000000dead' as Player['participantId'], isAdmin: false };
    const results = await settleAll([player, player, ghost, player, player].map((p) => () => oneBallot(lottery.id, p)));
    expect(results.map((r) => (r.ok ? 'ok' : r.code))).toEqual(['ok', 'ok', 'UNAUTHORIZED', 'ok', 'ok']);
    expect(await rowCount('ballots', sql`lottery_id = ${lottery.id}`)).toBe(4);
    expect((await deps.uow.reads.lotteries.findById(lottery.id))?.toState().ticketsIssued).toBe(4);
  });

  it('one Idempotency-Key sent ten times at once to two API processes issues one ballot', async () => {
    const processes = [postgresTestDeps(database?.db ?? never()), postgresTestDeps(database?.db ?? never())];
    const lottery = await createLottery(deps, {});
    const player = await aPlayer();
    const once = { scope: `participant:${player.participantId}`, key: 'grouped-key', fingerprint: 'same body' };
    const respond = (ballots: { ballot: { id: string } }[]) => ({ status: 201, body: JSON.stringify(ballots.map((b) => b.ballot.id)) });
    const command = { lotteryId: lottery.id, player, clientIp: '127.0.0.1', count: 1, ticketNumber: null };
    // Within a process the duplicates share a turn and replay; the other process's turn either
    // finds the key locked (409) or, once the first committed, replays it.
    const results = await settleAll(
      Array.from({ length: 10 }, (_, i) => () => submitBallotsOnce(processes[i % 2] ?? never(), command, once, respond)),
    );
    expect(failures(results).every((code) => code === 'IDEMPOTENCY_IN_PROGRESS')).toBe(true);
    const answered = successes(results);
    expect(answered.filter((r) => !r.replayed)).toHaveLength(1);
    expect(new Set(answered.map((r) => r.body)).size).toBe(1);
    expect(await rowCount('ballots', sql`lottery_id = ${lottery.id}`)).toBe(1);
    expect(await rowCount('idempotency_keys', sql`key = 'grouped-key'`)).toBe(1);
  });
});
