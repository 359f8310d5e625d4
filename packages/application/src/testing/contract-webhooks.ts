import { describe, expect, it } from 'vitest';
import type { UnitOfWork } from '../ports/repositories.js';
import type { Webhook, WebhookEvent } from '../ports/webhooks.js';
import { aLottery, allPages, NOW, stored, uuidv7 } from './fixtures.js';

export function webhooksContract(uow: () => UnitOfWork): void {
  const aWebhook = (events: WebhookEvent[] = ['lottery.drawn']): Webhook => ({
    id: uuidv7(),
    url: 'https://shop.example/hooks',
    events,
    description: null,
    sealedSecret: 'sealed-secret',
    createdAt: NOW,
  });
  const added = async (events?: WebhookEvent[]) => {
    const webhook = aWebhook(events);
    await uow().run((repos) => repos.webhooks.add(webhook));
    return webhook;
  };
  /** An event for a stored lottery with a delivery to each webhook given. */
  const eventFor = async (type: WebhookEvent, webhookIds: string[], at = NOW) => {
    const lottery = await stored(uow(), aLottery());
    const event = { id: uuidv7(), type, lotteryId: lottery.id, data: '{"lottery":{"id":"x"}}', createdAt: at };
    const deliveries = webhookIds.map((webhookId) => ({ id: uuidv7(), webhookId }));
    await uow().run((repos) => repos.webhooks.addEvent(event, deliveries));
    return { event, deliveries };
  };
  const deliveriesOf = async (webhookId: string) => (await uow().reads.webhooks.deliveries(webhookId, { limit: 100, cursor: null })).items;

  describe('webhooks', () => {
    it('stores webhooks and lists them newest first, page by page', async () => {
      const hooks = [await added(), await added(['lottery.closed', 'lottery.cancelled']), await added()];
      const pages = await allPages((page) => uow().reads.webhooks.list(page), 2);
      expect(pages.map((p) => p.map((w) => w.id))).toEqual([[hooks[2]?.id, hooks[1]?.id], [hooks[0]?.id]]);
      expect(pages[0]?.[1]).toEqual(hooks[1]);
    });

    it('knows the subscribers of each event', async () => {
      const drawn = await added(['lottery.drawn']);
      const both = await added(['lottery.closed', 'lottery.drawn']);
      expect((await uow().reads.webhooks.subscribers('lottery.drawn')).sort()).toEqual([drawn.id, both.id].sort());
      expect(await uow().reads.webhooks.subscribers('lottery.closed')).toEqual([both.id]);
      expect(await uow().reads.webhooks.subscribers('lottery.cancelled')).toEqual([]);
    });

    it('records an event with a pending delivery per webhook, due at once, listed newest first', async () => {
      const hook = await added();
      const first = await eventFor('lottery.drawn', [hook.id]);
      const second = await eventFor('lottery.drawn', [hook.id]);
      const listed = await deliveriesOf(hook.id);
      expect(listed.map((d) => d.id)).toEqual([second.deliveries[0]?.id, first.deliveries[0]?.id]);
      expect(listed[0]).toEqual({
        id: second.deliveries[0]?.id,
        webhookId: hook.id,
        event: 'lottery.drawn',
        lotteryId: second.event.lotteryId,
        status: 'pending',
        attempts: 0,
        lastStatusCode: null,
        lastError: null,
        nextAttemptAt: NOW,
        deliveredAt: null,
        createdAt: NOW,
      });
    });

    it('claims what is due with a lease, and records an attempt only once per attempt number', async () => {
      const hook = await added();
      const { event, deliveries } = await eventFor('lottery.drawn', [hook.id]);
      const lease = new Date(NOW.getTime() + 60_000);
      expect(await uow().run((repos) => repos.webhooks.claimDue(new Date(NOW.getTime() - 1), lease, 10))).toEqual([]);
      const [claimed, ...none] = await uow().run((repos) => repos.webhooks.claimDue(NOW, lease, 10));
      expect(none).toEqual([]);
      expect(claimed).toMatchObject({
        url: hook.url,
        sealedSecret: hook.sealedSecret,
        event,
        delivery: { id: deliveries[0]?.id, nextAttemptAt: lease },
      });
      // Leased: not due again until the lease ends.
      expect(await uow().run((repos) => repos.webhooks.claimDue(NOW, lease, 10))).toEqual([]);
      const next = new Date(NOW.getTime() + 10_000);
      const outcome = { at: NOW, status: 'pending' as const, statusCode: 500, error: 'the receiver answered 500', nextAttemptAt: next };
      const id = deliveries[0]?.id ?? '';
      expect(await uow().run((repos) => repos.webhooks.recordAttempt(id, 0, outcome))).toBe(true);
      expect(await uow().run((repos) => repos.webhooks.recordAttempt(id, 0, outcome))).toBe(false);
      expect((await deliveriesOf(hook.id))[0]).toMatchObject({ attempts: 1, status: 'pending', lastStatusCode: 500, nextAttemptAt: next });
      const done = { at: next, status: 'delivered' as const, statusCode: 200, error: null, nextAttemptAt: null };
      expect(await uow().run((repos) => repos.webhooks.recordAttempt(id, 1, done))).toBe(true);
      expect((await deliveriesOf(hook.id))[0]).toMatchObject({ attempts: 2, status: 'delivered', deliveredAt: next, nextAttemptAt: null });
      expect(await uow().run((repos) => repos.webhooks.claimDue(new Date(next.getTime() + 3_600_000), lease, 10))).toEqual([]);
    });

    it('removes a webhook with its deliveries, and says whether there was one', async () => {
      const kept = await added();
      const gone = await added();
      await eventFor('lottery.drawn', [kept.id, gone.id]);
      expect(await uow().run((repos) => repos.webhooks.remove(gone.id))).toBe(true);
      expect(await uow().run((repos) => repos.webhooks.remove(gone.id))).toBe(false);
      expect(await uow().reads.webhooks.exists(gone.id)).toBe(false);
      expect(await uow().reads.webhooks.exists(kept.id)).toBe(true);
      expect(await deliveriesOf(gone.id)).toEqual([]);
      expect(await deliveriesOf(kept.id)).toHaveLength(1);
      expect(await uow().run((repos) => repos.webhooks.claimDue(NOW, NOW, 10))).toHaveLength(1);
    });
  });
}
