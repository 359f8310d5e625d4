import { describe, expect, it } from 'vitest';
import { closeDueLotteries } from './close-due-lotteries.js';
import { closeLottery } from './close-lottery.js';
import { createLottery } from './create-lottery.js';
import { drawLottery } from './draw-lottery.js';
import type { Telemetry, TimedOperation } from './ports/telemetry.js';
import { registerParticipant } from './register-participant.js';
import { submitBallots } from './submit-ballots.js';
import { testDeps } from './testing/index.js';
import { wireDeps } from './wire-deps.js';

/** Writes down every report, in order, as a short line. */
function recorder() {
  const heard: string[] = [];
  const telemetry: Telemetry = {
    lotteryCreated: () => heard.push('created'),
    lotteryClosed: (how) => heard.push(`closed ${how}`),
    lotteryDrawn: () => heard.push('drawn'),
    ballotsIssued: (count) => heard.push(`ballots ${count}`),
    turnServed: (requests, tickets) => heard.push(`turn ${requests}/${tickets}`),
    startTimer: (operation: TimedOperation) => () => heard.push(`timed ${operation}`),
    webhookAttempted: (outcome) => heard.push(`webhook ${outcome}`),
  };
  return { heard, telemetry };
}

async function setup() {
  const { heard, telemetry } = recorder();
  const base = testDeps();
  const deps = wireDeps({ ...base, telemetry });
  const alice = await registerParticipant(deps, { username: 'alice', password: 'correct horse' });
  const play = (lotteryId: Parameters<typeof submitBallots>[1]['lotteryId'], count: number) =>
    submitBallots(deps, { lotteryId, player: { participantId: alice.id, isAdmin: false }, clientIp: '::1', count, ticketNumber: null });
  return { deps, heard, play };
}

describe('what the use cases report for operators', () => {
  it('a turn reports its requests, tickets and each request queue wait once, after the commit', async () => {
    const { deps, heard, play } = await setup();
    const lottery = await createLottery(deps, {});
    heard.length = 0;
    await Promise.all([play(lottery.id, 2), play(lottery.id, 3), play(lottery.id, 1)]);
    // The first request has a turn of its own; the two that queued behind it share the next.
    expect(heard).toEqual(['timed queue_wait', 'turn 1/2', 'ballots 2', 'timed queue_wait', 'timed queue_wait', 'turn 2/4', 'ballots 4']);
  });

  it('a refused request is not counted as issued', async () => {
    const { deps, heard, play } = await setup();
    const lottery = await createLottery(deps, { ticketLimit: 2 });
    await play(lottery.id, 2);
    await deps.ballotBatches.idle();
    heard.length = 0;
    await expect(play(lottery.id, 1)).rejects.toMatchObject({ code: 'SOLD_OUT' });
    expect(heard).toEqual(['timed queue_wait']);
  });

  it('creation, each kind of close, the seal and the draw', async () => {
    const { deps, heard, play } = await setup();
    const byAdmin = await createLottery(deps, {});
    await closeLottery(deps, { lotteryId: byAdmin.id });
    await drawLottery(deps, { lotteryId: byAdmin.id });
    expect(heard).toEqual(['created', 'timed seal', 'closed admin', 'timed draw', 'drawn']);

    heard.length = 0;
    const pool = await createLottery(deps, { ticketLimit: 1 });
    await play(pool.id, 1);
    await deps.ballotBatches.idle();
    expect(heard).toEqual(['created', 'timed queue_wait', 'turn 1/1', 'ballots 1', 'closed sold_out', 'timed seal']);

    heard.length = 0;
    const due = await createLottery(deps, { closesAt: new Date(deps.clock.now().getTime() + 60_000) });
    deps.clock.advance(120_000);
    expect((await closeDueLotteries(deps)).drawn.map((record) => record.lotteryId)).toEqual([due.id]);
    expect(heard).toEqual(['created', 'timed seal', 'timed draw', 'closed due', 'drawn']);
  });

  it('a draw that fails reports neither a close nor a draw', async () => {
    const { deps, heard } = await setup();
    const open = await createLottery(deps, {});
    heard.length = 0;
    await expect(drawLottery(deps, { lotteryId: open.id })).rejects.toMatchObject({ code: 'LOTTERY_NOT_CLOSED' });
    expect(heard).toEqual([]);
  });
});
