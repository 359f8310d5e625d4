import { createHash } from 'node:crypto';
import { DomainError, ParticipantId } from '@fairdraw/domain';
import { describe, expect, it } from 'vitest';
import { createLottery } from './create-lottery.js';
import { drawLottery } from './draw-lottery.js';
import { getDraw } from './get-draw.js';
import { getLottery } from './get-lottery.js';
import { listLotteryBallots } from './list-ballots.js';
import { openEntries } from './open-entries.js';
import type { UnitOfWork } from './ports/repositories.js';
import { StoreUnavailable } from './ports/store-unavailable.js';
import { registerParticipant } from './register-participant.js';
import type { IdempotentResponse } from './run-idempotent.js';
import { type SubmitBallots, submitBallots, submitBallotsOnce } from './submit-ballots.js';
import { testDeps, withRepositories } from './testing/index.js';
import { wireDeps } from './wire-deps.js';

async function setup(lottery: Parameters<typeof createLottery>[1] = {}) {
  const deps = testDeps();
  const alice = await registerParticipant(deps, { username: 'alice', password: 'correct horse' });
  const bob = await registerParticipant(deps, { username: 'bob', password: 'correct horse' });
  const created = await createLottery(deps, lottery);
  const command = (options: { participantId?: ParticipantId | null; ip?: string; count?: number } = {}): SubmitBallots => ({
    lotteryId: created.id,
    player: { participantId: options.participantId === undefined ? alice.id : options.participantId, isAdmin: false },
    clientIp: options.ip ?? '203.0.113.7',
    count: options.count ?? 1,
    ticketNumber: null,
  });
  const stored = async () => (await listLotteryBallots(deps, { lotteryId: created.id, limit: 100, cursor: null })).items;
  return { deps, alice, bob, lottery: created, command, stored };
}

const codeOf = (result: PromiseSettledResult<unknown>) =>
  result.status === 'fulfilled' ? 'ok' : ((result.reason as { code?: string }).code ?? String(result.reason));

/** A pool of two sold out through batches whose sealing transaction fails. */
async function soldOutUnsealed() {
  const deps = testDeps();
  // Streaming entries is what sealing does and issuing does not: refuse just that.
  const failing = withRepositories(deps.uow, (repos) => ({
    ballots: {
      ...repos.ballots,
      entriesText: () => {
        throw new Error('database went away while sealing');
      },
    },
  }));
  const heard: unknown[] = [];
  const broken = wireDeps({ ...deps, uow: failing }, { onSealError: (e) => heard.push(e) });
  const lottery = await createLottery(deps, { ticketLimit: 2, entry: { guests: true } });
  const guest = { participantId: null, isAdmin: false };
  const bought = await submitBallots(broken, { lotteryId: lottery.id, player: guest, clientIp: '10.0.0.1', count: 2, ticketNumber: null });
  await broken.ballotBatches.idle();
  expect(heard).toHaveLength(1);
  expect((await getLottery(deps, { lotteryId: lottery.id })).toState()).toMatchObject({ status: 'closed', entriesDigest: null });
  return { deps, lottery, bought };
}

describe('ballots submitted together', () => {
  it('share transactions, and still get distinct consecutive numbers in arrival order', async () => {
    const { deps, command, stored } = await setup();
    const before = deps.uow.commits;
    const results = await Promise.all(Array.from({ length: 40 }, () => submitBallots(deps, command({ count: 2 }))));
    // The first request finds the queue empty and runs at once; the 39 that arrive meanwhile share the next turn.
    expect(deps.uow.commits - before).toBe(2);
    expect(results.map((r) => r.ballots.map((b) => b.ballot.ticketNumber))).toEqual(
      Array.from({ length: 40 }, (_, i) => [2 * i + 1, 2 * i + 2]),
    );
    expect((await stored()).map((b) => b.ticketNumber)).toEqual(Array.from({ length: 80 }, (_, i) => i + 1));
    expect((await getLottery(deps, { lotteryId: command().lotteryId })).toState().ticketsIssued).toBe(80);
  });

  it('answers a refused request with its error and issues its neighbours, counting limits across the turn', async () => {
    const { deps, alice, bob, command, stored } = await setup({ entry: { perParticipantLimit: 2, perIpLimit: 3, guests: true } });
    const results = await Promise.allSettled([
      submitBallots(deps, command()), // runs alone: the turn below starts after it
      submitBallots(deps, command()), // alice's second: allowed
      submitBallots(deps, command()), // alice's third: over her limit
      submitBallots(deps, command({ participantId: bob.id, ip: '198.51.100.1' })),
      submitBallots(deps, command({ participantId: null })), // the address's third ticket: allowed
      submitBallots(deps, command({ participantId: null })), // its fourth: over the address limit
      submitBallots(deps, command({ participantId: bob.id, ip: '198.51.100.1', count: 2 })), // bob's 2nd and 3rd
    ]);
    expect(results.map(codeOf)).toEqual(['ok', 'ok', 'ENTRY_LIMIT_REACHED', 'ok', 'ok', 'ENTRY_LIMIT_REACHED', 'ENTRY_LIMIT_REACHED']);
    const ballots = await stored();
    expect(ballots.filter((b) => b.participantId === alice.id)).toHaveLength(2);
    expect(ballots.filter((b) => b.participantId === bob.id)).toHaveLength(1);
    expect(ballots.map((b) => b.ticketNumber)).toEqual([1, 2, 3, 4]);
  });

  it('refuses a participant whose account is gone within the turn, without failing its neighbours', async () => {
    const { deps, command, stored } = await setup();
    // A well-signed token whose account is gone (a store reset under the same JWT secret).
    const ghost = ParticipantId('0190f5e2-0000-7000-8000-00000000dead');
    const before = deps.uow.commits;
    const results = await Promise.allSettled([
      submitBallots(deps, command()),
      submitBallots(deps, command()),
      submitBallots(deps, command({ participantId: ghost })),
      submitBallots(deps, command()),
    ]);
    expect(results.map(codeOf)).toEqual(['ok', 'ok', 'UNAUTHORIZED', 'ok']);
    // The first request alone; the turn of the other three fails at its INSERT and runs once
    // more with accounts checked: two commits, where running each again alone would make four.
    expect(deps.uow.commits - before).toBe(2);
    expect((await stored()).map((b) => b.ticketNumber)).toEqual([1, 2, 3]);
    expect((await getLottery(deps, { lotteryId: command().lotteryId })).toState().ticketsIssued).toBe(3);
  });

  it('runs each request of a turn whose INSERT failed again on its own, so only what fails alone fails', async () => {
    const { deps, command, stored } = await setup();
    let failures = 0;
    // The store refuses any write of more than one ballot once: the shared turn fails, not the requests.
    const flaky = withRepositories(deps.uow, (repos) => ({
      ballots: {
        ...repos.ballots,
        addMany: async (ballots) => {
          if (ballots.length > 1 && failures === 0) {
            failures += 1;
            throw new Error('could not extend file');
          }
          return repos.ballots.addMany(ballots);
        },
      },
    }));
    const d = wireDeps({ ...deps, uow: flaky });
    const results = await Promise.allSettled([1, 2, 3, 4].map(() => submitBallots(d, command())));
    expect(results.map(codeOf)).toEqual(['ok', 'ok', 'ok', 'ok']);
    expect(failures).toBe(1);
    expect((await stored()).map((b) => b.ticketNumber)).toEqual([1, 2, 3, 4]);
  });

  it('rolls back a request refused after it took tickets, without failing its neighbours', async () => {
    const { deps, alice, command, stored } = await setup({ ticketLimit: 10 });
    const once = { scope: `participant:${alice.id}`, key: 'k-late', fingerprint: 'f' };
    const refuseLate = (): IdempotentResponse => {
      throw new DomainError('VALIDATION_FAILED', 'refused after the tickets were taken');
    };
    const results = await Promise.allSettled([
      submitBallots(deps, command()),
      submitBallots(deps, command()),
      submitBallotsOnce(deps, command({ count: 3 }), once, refuseLate),
      submitBallots(deps, command()),
    ]);
    expect(results.map(codeOf)).toEqual(['ok', 'ok', 'VALIDATION_FAILED', 'ok']);
    expect(await stored()).toHaveLength(3);
    expect((await getLottery(deps, { lotteryId: command().lotteryId })).toState().ticketsIssued).toBe(3);
    // Its tickets went back to the pool: the other seven can still be sold.
    expect((await submitBallots(deps, command({ count: 7 }))).ballots).toHaveLength(7);
    expect(new Set((await stored()).map((b) => b.ticketNumber)).size).toBe(10);
  });

  it('does not run a turn again when its COMMIT fails: the outcome is unknown, so every request gets the error', async () => {
    const { deps, alice, bob, lottery, stored } = await setup({ ticketLimit: 8 });
    const carol = await registerParticipant(deps, { username: 'carol', password: 'correct horse' });
    const lost = new Error('Connection terminated unexpectedly');
    let runs = 0;
    // What pg does when the socket drops after the server applied COMMIT: committed, yet an error.
    const flaky: UnitOfWork = {
      reads: deps.uow.reads,
      run: async (work) => {
        const value = await deps.uow.run(work);
        runs += 1;
        if (runs === 2) throw lost;
        return value;
      },
    };
    const d = wireDeps({ ...deps, uow: flaky });
    const send = (participantId: ParticipantId) =>
      submitBallots(d, {
        lotteryId: lottery.id,
        player: { participantId, isAdmin: false },
        clientIp: '10.0.0.1',
        count: 2,
        ticketNumber: null,
      });
    const results = await Promise.allSettled([alice.id, bob.id, carol.id].map(send));
    // Run again, the requests would see their own committed tickets and answer SOLD_OUT or
    // ENTRY_LIMIT_REACHED: a definite "nothing issued" for tickets that were issued.
    expect(results.map((r) => (r.status === 'fulfilled' ? 'ok' : r.reason))).toEqual(['ok', lost, lost]);
    expect(runs).toBe(2);
    expect(await stored()).toHaveLength(6);
  });

  it('fails a whole turn at once when the store cannot be reached: every request gets 503, none is run alone', async () => {
    const { deps, command, stored } = await setup();
    const down = new StoreUnavailable('the database cannot be reached right now; retry shortly', 2);
    let reachable = true;
    let inserts = 0;
    // The first request's turn commits; the shared second turn finds the database gone.
    const outage = withRepositories(deps.uow, (repos) => ({
      ballots: {
        ...repos.ballots,
        addMany: async (ballots) => {
          inserts += 1;
          if (!reachable) throw down;
          await repos.ballots.addMany(ballots);
          reachable = false;
        },
      },
    }));
    const d = wireDeps({ ...deps, uow: outage });
    const results = await Promise.allSettled([1, 2, 3, 4].map(() => submitBallots(d, command())));
    expect(results.map((r) => (r.status === 'fulfilled' ? 'ok' : r.reason))).toEqual(['ok', down, down, down]);
    // One insert per turn: the failed turn was not replayed request by request.
    expect(inserts).toBe(2);
    expect((await stored()).map((b) => b.ticketNumber)).toEqual([1]);
  });

  it('closes a pool that sells out within a turn, refuses the rest and freezes exactly the issued entries', async () => {
    const { deps, lottery, command, stored } = await setup({ ticketLimit: 5, entry: { guests: true } });
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, (_, i) => submitBallots(deps, command({ participantId: null, ip: `10.0.0.${i}` }))),
    );
    expect(results.map(codeOf)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok', 'SOLD_OUT', 'SOLD_OUT', 'SOLD_OUT']);
    expect((await getLottery(deps, { lotteryId: lottery.id })).toState().status).toBe('closed');
    // The entries are frozen in a transaction of their own, right after the turn's commit.
    await deps.ballotBatches.idle();
    const state = (await getLottery(deps, { lotteryId: lottery.id })).toState();
    expect((await stored()).map((b) => b.ticketNumber)).toEqual([1, 2, 3, 4, 5]);
    let text = '';
    for await (const line of await openEntries(deps, { lotteryId: lottery.id })) text += line;
    expect({ digest: state.entriesDigest, n: state.entryCount }).toEqual({ digest: createHash('sha256').update(text).digest('hex'), n: 5 });
  });

  it('leaves a sold-out pool whose sealing failed to its draw, which seals it first', async () => {
    const { deps, lottery, bought } = await soldOutUnsealed();
    const drawn = await drawLottery(deps, { lotteryId: lottery.id });
    expect(drawn.record?.n).toBe(2);
    expect(bought.ballots.map((b) => b.ballot.id)).toContain(drawn.record?.winners[0]?.ballotId);
  });

  it("never shows a closed lottery's draw record without its entries digest: reading it seals it", async () => {
    const { deps, lottery } = await soldOutUnsealed();
    const view = await getDraw(deps, { lotteryId: lottery.id });
    let text = '';
    for await (const line of await openEntries(deps, { lotteryId: lottery.id })) text += line;
    expect(view.lottery.toState()).toMatchObject({ entriesDigest: createHash('sha256').update(text).digest('hex'), entryCount: 2 });
    expect((await getLottery(deps, { lotteryId: lottery.id })).toState().entriesDigest).toBe(view.lottery.toState().entriesDigest);
  });

  it('lets many readers of such a record share one seal: one transaction waits on the lock, not one each', async () => {
    const { deps, lottery } = await soldOutUnsealed();
    let transactions = 0;
    const counting: UnitOfWork = {
      reads: deps.uow.reads,
      run: (work) => {
        transactions += 1;
        return deps.uow.run(work);
      },
    };
    const readers = wireDeps({ ...deps, uow: counting });
    const views = await Promise.all(Array.from({ length: 10 }, () => getDraw(readers, { lotteryId: lottery.id })));
    expect(transactions).toBe(1);
    expect(new Set(views.map((v) => v.lottery.toState().entriesDigest)).size).toBe(1);
    expect(views[0]?.lottery.toState().entriesDigest).toMatch(/^[0-9a-f]{64}$/);
  });

  it('stores one response for an Idempotency-Key used twice in one turn, and replays it', async () => {
    const { deps, alice, command, stored } = await setup();
    const once = { scope: `participant:${alice.id}`, key: 'k-1', fingerprint: 'f' };
    const respond = (ballots: { ballot: { ticketNumber: number } }[]) => ({
      status: 201,
      body: JSON.stringify(ballots.map((b) => b.ballot.ticketNumber)),
    });
    const [first, , again] = await Promise.all([
      submitBallots(deps, command()),
      submitBallotsOnce(deps, command({ count: 2 }), once, respond),
      submitBallotsOnce(deps, command({ count: 2 }), once, respond),
    ]);
    expect(first.ballots.map((b) => b.ballot.ticketNumber)).toEqual([1]);
    expect(again).toEqual({ status: 201, body: '[2,3]', replayed: true });
    expect(await stored()).toHaveLength(3);
    await expect(submitBallotsOnce(deps, command(), { ...once, fingerprint: 'other' }, respond)).rejects.toMatchObject({
      code: 'IDEMPOTENCY_KEY_REUSED',
    });
  });
});

describe('Idempotency-Keys in a turn', () => {
  it('are locked and read once for the whole turn and saved once, not three times per request', async () => {
    const { deps, alice, command, stored } = await setup();
    const calls: string[] = [];
    const counting = withRepositories(deps.uow, (repos) => ({
      idempotency: Object.fromEntries(
        Object.entries(repos.idempotency).map(([name, fn]: [string, (...a: unknown[]) => unknown]) => [
          name,
          (...args: unknown[]) => {
            calls.push(name);
            return fn(...args);
          },
        ]),
      ) as unknown as typeof repos.idempotency,
    }));
    const keyed = wireDeps({ ...deps, uow: counting });
    const respond = (ballots: { ballot: { ticketNumber: number } }[]) => ({ status: 201, body: String(ballots[0]?.ballot.ticketNumber) });
    const send = (key: string) => submitBallotsOnce(keyed, command(), { scope: `participant:${alice.id}`, key, fingerprint: 'f' }, respond);
    const first = await Promise.all(Array.from({ length: 20 }, (_, i) => send(`k-${i}`)));
    expect(first.map((r) => r.replayed)).toEqual(Array(20).fill(false));
    // The first request runs alone, the other 19 share the next turn.
    expect(calls).toEqual(['tryLockMany', 'findMany', 'saveMany', 'tryLockMany', 'findMany', 'saveMany']);
    const again = await Promise.all(Array.from({ length: 20 }, (_, i) => send(`k-${i}`)));
    expect(again).toEqual(first.map((r) => ({ ...r, replayed: true })));
    expect(await stored()).toHaveLength(20);
  });
});

describe('BallotBatches', () => {
  it('caps the tickets of one turn, but serves a request larger than the cap alone', async () => {
    const { deps, command, stored } = await setup();
    let turns = 0;
    const uow: UnitOfWork = {
      reads: deps.uow.reads,
      run: (w) => {
        turns += 1;
        return deps.uow.run(w);
      },
    };
    const capped = wireDeps({ ...deps, uow }, { maxTickets: 10 });
    // The first runs alone; meanwhile the rest queue: [4, 4] fit in 10, then [4], [25] alone, [1].
    const counts = [4, 4, 4, 4, 25, 1];
    const results = await Promise.all(counts.map((count) => submitBallots(capped, command({ count }))));
    expect(turns).toBe(5);
    expect(results.map((r) => r.ballots.length)).toEqual(counts);
    // Served in arrival order: each request's tickets follow the previous request's.
    expect(results.flatMap((r) => r.ballots.map((b) => b.ballot.ticketNumber))).toEqual(Array.from({ length: 42 }, (_, i) => i + 1));
    expect(await stored()).toHaveLength(42);
  });

  it('answers an unexpected failure with that error and keeps the rest of the turn', async () => {
    const { deps, command, bob, stored } = await setup();
    const boom = new Error('connection lost');
    // A store that fails any write of bob's ballots with an error no rule explains.
    const failing = withRepositories(deps.uow, (repos) => ({
      ballots: {
        ...repos.ballots,
        addMany: async (ballots) => {
          if (ballots.some((b) => b.participantId === bob.id)) throw boom;
          return repos.ballots.addMany(ballots);
        },
      },
    }));
    const d = wireDeps({ ...deps, uow: failing });
    const results = await Promise.allSettled([
      submitBallots(d, command()),
      submitBallots(d, command()),
      submitBallots(d, command({ participantId: bob.id })),
      submitBallots(d, command()),
    ]);
    expect(results.map((r) => (r.status === 'rejected' ? r.reason : 'ok'))).toEqual(['ok', 'ok', boom, 'ok']);
    expect(await stored()).toHaveLength(3);
  });
});

describe('ballots for many lotteries', () => {
  /** Ten open lotteries, and a command for each; uow.run counted, at most `maxTurns` turns at once. */
  async function spread(options: { maxTurns: number; uow?: (uow: UnitOfWork) => UnitOfWork }) {
    const { deps, alice, command } = await setup();
    const lotteries = await Promise.all(Array.from({ length: 10 }, () => createLottery(deps, {})));
    let inFlight = 0;
    let mostAtOnce = 0;
    let turns = 0;
    const base = options.uow?.(deps.uow) ?? deps.uow;
    const counted: UnitOfWork = {
      reads: base.reads,
      run: async (work) => {
        turns += 1;
        inFlight += 1;
        mostAtOnce = Math.max(mostAtOnce, inFlight);
        try {
          return await base.run(work);
        } finally {
          inFlight -= 1;
        }
      },
    };
    const d = wireDeps({ ...deps, uow: counted }, { maxTurns: options.maxTurns });
    const to = (i: number, extra: Parameters<typeof command>[0] = {}) => ({
      ...command(extra),
      lotteryId: lotteries[i % 10]?.id ?? never(),
    });
    const ticketsOf = async (i: number) =>
      (await listLotteryBallots(deps, { lotteryId: lotteries[i]?.id ?? never(), limit: 100, cursor: null })).items.map(
        (b) => b.ticketNumber,
      );
    return { deps, d, alice, lotteries, to, ticketsOf, turns: () => turns, mostAtOnce: () => mostAtOnce };
  }

  it('share one turn across lotteries, each still numbered in its own arrival order', async () => {
    const { d, to, ticketsOf, turns } = await spread({ maxTurns: 1 });
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => submitBallots(d, to(i))));
    // The first runs alone; the 29 that arrive meanwhile, for all ten lotteries, share the next turn.
    expect(turns()).toBe(2);
    expect(results.map((r) => r.ballots[0]?.ballot.ticketNumber)).toEqual(Array.from({ length: 30 }, (_, i) => Math.floor(i / 10) + 1));
    for (let i = 0; i < 10; i++) expect(await ticketsOf(i)).toEqual([1, 2, 3]);
  });

  it('run at most maxTurns turns at once', async () => {
    const { d, to, mostAtOnce } = await spread({ maxTurns: 3 });
    await Promise.all(Array.from({ length: 40 }, (_, i) => submitBallots(d, to(i))));
    expect(mostAtOnce()).toBe(3);
  });

  it('answer a request refused by its lottery without failing the other lotteries of its turn', async () => {
    const { deps, d, to, ticketsOf, turns, lotteries } = await spread({ maxTurns: 1 });
    const admin = await registerParticipant(deps, { username: 'root', password: 'correct horse' }, 'admin');
    const results = await Promise.allSettled([
      submitBallots(d, to(0)),
      submitBallots(d, to(1)),
      submitBallots(d, { ...to(2), player: { participantId: admin.id, isAdmin: true } }),
      submitBallots(d, to(3)),
    ]);
    expect(results.map(codeOf)).toEqual(['ok', 'ok', 'ADMIN_CANNOT_PLAY', 'ok']);
    expect(turns()).toBe(2);
    expect(await ticketsOf(2)).toEqual([]);
    expect(await ticketsOf(3)).toEqual([1]);
    expect(lotteries).toHaveLength(10);
  });

  it('run each lottery’s part alone after a turn of several failed, so one lottery cannot fail another', async () => {
    let failures = 0;
    const boom = new Error('could not extend file');
    const { d, to, ticketsOf, turns } = await spread({
      maxTurns: 1,
      // The store refuses, once, a write of ballots for more than one lottery.
      uow: (uow) =>
        withRepositories(uow, (repos) => ({
          ballots: {
            ...repos.ballots,
            addMany: async (ballots) => {
              if (new Set(ballots.map((b) => b.lotteryId)).size > 1 && failures === 0) {
                failures += 1;
                throw boom;
              }
              return repos.ballots.addMany(ballots);
            },
          },
        })),
    });
    const results = await Promise.allSettled([0, 1, 2, 3, 11].map((i) => submitBallots(d, to(i))));
    expect(results.map(codeOf)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok']);
    expect(failures).toBe(1);
    // Alone, the failed turn (lotteries 1, 2, 3), then lottery 1 (two requests, one turn), 2 and 3 alone.
    expect(turns()).toBe(5);
    expect(await ticketsOf(1)).toEqual([1, 2]);
    expect(await ticketsOf(3)).toEqual([1]);
  });
});

function never(): never {
  throw new Error('unreachable');
}
