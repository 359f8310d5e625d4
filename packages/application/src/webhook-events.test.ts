import { describe, expect, it } from 'vitest';
import { cancelLottery } from './cancel-lottery.js';
import { closeDueLotteries } from './close-due-lotteries.js';
import { closeLottery } from './close-lottery.js';
import { createLottery } from './create-lottery.js';
import { drawLottery } from './draw-lottery.js';
import type { WebhookEvent } from './ports/webhooks.js';
import { registerParticipant } from './register-participant.js';
import { registerWebhook } from './register-webhook.js';
import { submitBallots } from './submit-ballots.js';
import { failingAfterEvent, type TestDeps, testDeps } from './testing/index.js';

async function subscribed(deps: TestDeps, events: WebhookEvent[]) {
  return (await registerWebhook(deps, { url: 'https://shop.example/hooks', events, description: null })).webhook;
}

const deliveriesOf = async (deps: TestDeps, webhookId: string) =>
  (await deps.uow.reads.webhooks.deliveries(webhookId, { limit: 100, cursor: null })).items;

async function play(deps: TestDeps, lotteryId: Parameters<typeof submitBallots>[1]['lotteryId'], count: number) {
  const player = await registerParticipant(deps, { username: `p${Math.random().toString(36).slice(2, 8)}`, password: 'correct horse' });
  await submitBallots(deps, {
    lotteryId,
    player: { participantId: player.id, isAdmin: false },
    clientIp: '::1',
    count,
    ticketNumber: null,
  });
}

describe('events written with the change they report', () => {
  it('an admin close records lottery.closed: one pending delivery per subscribed webhook, none for the others', async () => {
    const deps = testDeps();
    const closes = await subscribed(deps, ['lottery.closed']);
    const draws = await subscribed(deps, ['lottery.drawn']);
    const lottery = await createLottery(deps, {});
    await play(deps, lottery.id, 2);
    await closeLottery(deps, { lotteryId: lottery.id });
    const [delivery, ...more] = await deliveriesOf(deps, closes.id);
    expect(more).toEqual([]);
    expect(delivery).toMatchObject({
      event: 'lottery.closed',
      lotteryId: lottery.id,
      status: 'pending',
      attempts: 0,
      nextAttemptAt: deps.clock.now(),
    });
    expect(await deliveriesOf(deps, draws.id)).toEqual([]);
  });

  it('a scheduled draw records the close first, then the draw with its record', async () => {
    const deps = testDeps();
    const hook = await subscribed(deps, ['lottery.closed', 'lottery.drawn']);
    const lottery = await createLottery(deps, { closesAt: new Date(deps.clock.now().getTime() + 60_000) });
    await play(deps, lottery.id, 3);
    deps.clock.advance(61_000);
    await closeDueLotteries(deps);
    const due = await deps.uow.run((repos) => repos.webhooks.claimDue(deps.clock.now(), deps.clock.now(), 10));
    expect(due.map((d) => d.event.type).sort()).toEqual(['lottery.closed', 'lottery.drawn']);
    const drawn = due.find((d) => d.event.type === 'lottery.drawn');
    expect(JSON.parse(drawn?.event.data ?? '{}')).toEqual({
      lottery: { id: lottery.id, status: 'drawn' },
      draw: { lottery_id: lottery.id, winners: 1 },
    });
    const closed = due.find((d) => d.event.type === 'lottery.closed');
    expect(JSON.parse(closed?.event.data ?? '{}')).toEqual({ lottery: { id: lottery.id, status: 'closed' } });
    expect(await deliveriesOf(deps, hook.id)).toHaveLength(2);
  });

  it('a pool that sells out records lottery.closed in the turn that sold the last ticket', async () => {
    const deps = testDeps();
    const hook = await subscribed(deps, ['lottery.closed']);
    const lottery = await createLottery(deps, { ticketLimit: 3 });
    await play(deps, lottery.id, 2);
    expect(await deliveriesOf(deps, hook.id)).toEqual([]);
    await play(deps, lottery.id, 1);
    expect((await deliveriesOf(deps, hook.id)).map((d) => d.event)).toEqual(['lottery.closed']);
  });

  it('a draw that rolls back records nothing', async () => {
    const deps = testDeps();
    const hook = await subscribed(deps, ['lottery.closed', 'lottery.drawn']);
    const lottery = await createLottery(deps, { closesAt: new Date(deps.clock.now().getTime() + 60_000) });
    await play(deps, lottery.id, 2);
    deps.clock.advance(61_000);
    // The store fails the draw's last write, after both events were written in its transaction.
    const failing = failingAfterEvent(deps.uow, 'lottery.drawn');
    await expect(drawLottery({ ...deps, uow: failing }, { lotteryId: lottery.id })).rejects.toThrow('connection lost');
    expect(await deliveriesOf(deps, hook.id)).toEqual([]);
  });

  it('a cancel records lottery.cancelled with the cancelled lottery', async () => {
    const deps = testDeps();
    const hook = await subscribed(deps, ['lottery.cancelled']);
    const lottery = await createLottery(deps, {});
    await play(deps, lottery.id, 1);
    await cancelLottery(deps, { lotteryId: lottery.id });
    const due = await deps.uow.run((repos) => repos.webhooks.claimDue(deps.clock.now(), deps.clock.now(), 10));
    expect(due.map((d) => [d.delivery.webhookId, d.event.type])).toEqual([[hook.id, 'lottery.cancelled']]);
    expect(JSON.parse(due[0]?.event.data ?? '{}')).toEqual({ lottery: { id: lottery.id, status: 'cancelled' } });
  });

  it('writes nothing when no webhook listens', async () => {
    const deps = testDeps();
    const lottery = await createLottery(deps, {});
    await closeLottery(deps, { lotteryId: lottery.id });
    expect(await deps.uow.run((repos) => repos.webhooks.claimDue(deps.clock.now(), deps.clock.now(), 10))).toEqual([]);
  });
});
