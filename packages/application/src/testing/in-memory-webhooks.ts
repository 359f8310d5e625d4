import type { Delivery, WebhookRepository } from '../ports/webhooks.js';
import { byDesc, isString, pageOf } from './in-memory-pages.js';
import { copy, type Session } from './in-memory-store.js';

export function inMemoryWebhooks(session: Session): WebhookRepository {
  const store = () => {
    session.check();
    return session.store();
  };
  const newestFirst = <T extends { id: string }>(items: Iterable<T>) => [...items].sort((a, b) => byDesc(a.id, b.id));
  const withoutEvent = ({ eventId: _, ...delivery }: Delivery & { eventId: string }): Delivery => copy(delivery);
  return {
    async add(webhook) {
      store().webhooks.set(webhook.id, copy(webhook));
    },
    async list(page) {
      const found = pageOf(
        newestFirst(store().webhooks.values()),
        page,
        (w) => w.id,
        (key, cursor) => key < cursor,
        isString,
      );
      return { items: found.items.map((w) => copy(w)), nextCursor: found.nextCursor };
    },
    async remove(id) {
      const s = store();
      if (!s.webhooks.delete(id)) return false;
      for (const [key, delivery] of s.deliveries) if (delivery.webhookId === id) s.deliveries.delete(key);
      return true;
    },
    async exists(id) {
      return store().webhooks.has(id);
    },
    async subscribers(event) {
      return [...store().webhooks.values()].filter((w) => w.events.includes(event)).map((w) => w.id);
    },
    async addEvent(event, deliveries) {
      const s = store();
      s.events.set(event.id, copy(event));
      for (const { id, webhookId } of deliveries) {
        s.deliveries.set(id, {
          id,
          webhookId,
          eventId: event.id,
          event: event.type,
          lotteryId: event.lotteryId,
          status: 'pending',
          attempts: 0,
          lastStatusCode: null,
          lastError: null,
          nextAttemptAt: event.createdAt,
          deliveredAt: null,
          createdAt: event.createdAt,
        });
      }
    },
    async deliveries(webhookId, page) {
      const mine = newestFirst([...store().deliveries.values()].filter((d) => d.webhookId === webhookId));
      const found = pageOf(
        mine,
        page,
        (d) => d.id,
        (key, cursor) => key < cursor,
        isString,
      );
      return { items: found.items.map(withoutEvent), nextCursor: found.nextCursor };
    },
    async claimDue(now, leaseUntil, limit) {
      const s = store();
      const due = [...s.deliveries.values()]
        .filter((d) => d.status === 'pending' && d.nextAttemptAt !== null && d.nextAttemptAt.getTime() <= now.getTime())
        .sort((a, b) => (a.nextAttemptAt?.getTime() ?? 0) - (b.nextAttemptAt?.getTime() ?? 0))
        .slice(0, limit);
      return due.flatMap((d) => {
        const webhook = s.webhooks.get(d.webhookId);
        const event = s.events.get(d.eventId);
        if (!webhook || !event) return [];
        const leased = { ...d, nextAttemptAt: leaseUntil };
        s.deliveries.set(d.id, leased);
        return [{ delivery: withoutEvent(leased), url: webhook.url, sealedSecret: webhook.sealedSecret, event: copy(event) }];
      });
    },
    async recordAttempt(id, attemptsBefore, outcome) {
      const s = store();
      const delivery = s.deliveries.get(id);
      if (!delivery || delivery.attempts !== attemptsBefore || delivery.status !== 'pending') return false;
      s.deliveries.set(id, {
        ...delivery,
        attempts: attemptsBefore + 1,
        status: outcome.status,
        lastStatusCode: outcome.statusCode,
        lastError: outcome.error,
        nextAttemptAt: outcome.nextAttemptAt,
        deliveredAt: outcome.status === 'delivered' ? outcome.at : null,
      });
      return true;
    },
  };
}
