import {
  type Delivery,
  decodeCursor,
  fetchSize,
  pageFrom,
  type RecordedEvent,
  type Webhook,
  type WebhookRepository,
} from '@fairdraw/application';
import { type Kysely, type Selectable, sql } from 'kysely';
import { isUuidKey } from './cursor.js';
import type { Database, WebhookDeliveriesTable, WebhookEventsTable, WebhooksTable } from './database.js';
import { isUuid } from './errors.js';

const toWebhook = (row: Selectable<WebhooksTable>): Webhook => ({
  id: row.id,
  url: row.url,
  events: row.events,
  description: row.description,
  sealedSecret: row.secret,
  createdAt: row.created_at,
});

const toDelivery = (row: Selectable<WebhookDeliveriesTable> & { type: WebhookEventsTable['type']; lottery_id: string }): Delivery => ({
  id: row.id,
  webhookId: row.webhook_id,
  event: row.type,
  lotteryId: row.lottery_id,
  status: row.status,
  attempts: row.attempts,
  lastStatusCode: row.last_status_code,
  lastError: row.last_error,
  nextAttemptAt: row.next_attempt_at,
  deliveredAt: row.delivered_at,
  createdAt: row.created_at,
});

const toEvent = (row: Selectable<WebhookEventsTable>): RecordedEvent => ({
  id: row.id,
  type: row.type,
  lotteryId: row.lottery_id,
  data: row.data,
  createdAt: row.created_at,
});

export function postgresWebhooks(db: Kysely<Database>): WebhookRepository {
  const deliveriesWithEvent = () =>
    db
      .selectFrom('webhook_deliveries as d')
      .innerJoin('webhook_events as e', 'e.id', 'd.event_id')
      .selectAll('d')
      .select(['e.type', 'e.lottery_id']);
  return {
    async add(w) {
      await db
        .insertInto('webhooks')
        .values({
          id: w.id,
          url: w.url,
          events: [...w.events],
          description: w.description,
          secret: w.sealedSecret,
          created_at: w.createdAt,
        })
        .execute();
    },
    async list(page) {
      let query = db.selectFrom('webhooks').selectAll();
      if (page.cursor !== null) query = query.where('id', '<', decodeCursor(page.cursor, isUuidKey));
      const rows = await query.orderBy('id', 'desc').limit(fetchSize(page.limit)).execute();
      return pageFrom(rows, page.limit, toWebhook, (row) => row.id);
    },
    async remove(id) {
      if (!isUuid(id)) return false;
      const result = await db.deleteFrom('webhooks').where('id', '=', id).executeTakeFirst();
      return result.numDeletedRows > 0n;
    },
    async exists(id) {
      if (!isUuid(id)) return false;
      return (await db.selectFrom('webhooks').select('id').where('id', '=', id).executeTakeFirst()) !== undefined;
    },
    async subscribers(event) {
      const rows = await db.selectFrom('webhooks').select('id').where(sql<boolean>`${event} = any(events)`).execute();
      return rows.map((row) => row.id);
    },
    async addEvent(event, deliveries) {
      await db
        .insertInto('webhook_events')
        .values({ id: event.id, type: event.type, lottery_id: event.lotteryId, data: event.data, created_at: event.createdAt })
        .execute();
      if (deliveries.length === 0) return;
      await db
        .insertInto('webhook_deliveries')
        .values(
          deliveries.map(({ id, webhookId }) => ({
            id,
            webhook_id: webhookId,
            event_id: event.id,
            status: 'pending' as const,
            attempts: 0,
            next_attempt_at: event.createdAt,
            created_at: event.createdAt,
          })),
        )
        .execute();
    },
    async deliveries(webhookId, page) {
      if (!isUuid(webhookId)) return { items: [], nextCursor: null };
      let query = deliveriesWithEvent().where('d.webhook_id', '=', webhookId);
      if (page.cursor !== null) query = query.where('d.id', '<', decodeCursor(page.cursor, isUuidKey));
      const rows = await query.orderBy('d.id', 'desc').limit(fetchSize(page.limit)).execute();
      return pageFrom(rows, page.limit, toDelivery, (row) => row.id);
    },
    async claimDue(now, leaseUntil, limit) {
      // SKIP LOCKED: workers claiming at once split the due deliveries instead of queueing.
      const claimed = await db
        .updateTable('webhook_deliveries')
        .set({ next_attempt_at: leaseUntil })
        .where(
          'id',
          'in',
          db
            .selectFrom('webhook_deliveries')
            .select('id')
            .where('status', '=', 'pending')
            .where('next_attempt_at', '<=', now)
            .orderBy('next_attempt_at')
            .limit(limit)
            .forUpdate()
            .skipLocked(),
        )
        .returning(['id'])
        .execute();
      if (claimed.length === 0) return [];
      const rows = await deliveriesWithEvent()
        .innerJoin('webhooks as w', 'w.id', 'd.webhook_id')
        .select(['w.url', 'w.secret', 'e.data', 'e.created_at as event_created_at'])
        .where(
          'd.id',
          'in',
          claimed.map((row) => row.id),
        )
        .orderBy('d.id')
        .execute();
      return rows.map((row) => ({
        delivery: toDelivery(row),
        url: row.url,
        sealedSecret: row.secret,
        event: toEvent({ id: row.event_id, type: row.type, lottery_id: row.lottery_id, data: row.data, created_at: row.event_created_at }),
      }));
    },
    async recordAttempt(id, attemptsBefore, outcome) {
      const result = await db
        .updateTable('webhook_deliveries')
        .set({
          attempts: attemptsBefore + 1,
          status: outcome.status,
          last_status_code: outcome.statusCode,
          last_error: outcome.error,
          next_attempt_at: outcome.nextAttemptAt,
          delivered_at: outcome.status === 'delivered' ? outcome.at : null,
        })
        .where('id', '=', id)
        .where('attempts', '=', attemptsBefore)
        .where('status', '=', 'pending')
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },
  };
}
