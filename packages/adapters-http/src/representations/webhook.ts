import { type Delivery, WEBHOOK_EVENTS, type Webhook } from '@fairdraw/application';
import { z } from 'zod';
import { Id, Timestamp } from '../schemas/common.js';

export const WebhookEventSchema = z.enum(WEBHOOK_EVENTS);

export const WebhookSchema = z
  .object({
    id: Id,
    url: z.string(),
    events: z.array(WebhookEventSchema),
    description: z.string().nullable(),
    created_at: Timestamp,
  })
  .meta({ id: 'Webhook' });

export const RegisteredWebhookSchema = z
  .object({ ...WebhookSchema.shape, secret: z.string().describe('the signing secret: shown only in this response') })
  .meta({ id: 'RegisteredWebhook' });

export const DeliverySchema = z
  .object({
    id: Id,
    webhook_id: Id,
    event: WebhookEventSchema,
    lottery_id: Id,
    status: z.enum(['pending', 'delivered', 'failed']),
    attempts: z.int(),
    last_status_code: z.int().nullable(),
    last_error: z.string().nullable(),
    next_attempt_at: Timestamp.nullable(),
    delivered_at: Timestamp.nullable(),
    created_at: Timestamp,
  })
  .meta({ id: 'Delivery' });

export function webhookView(webhook: Webhook): z.output<typeof WebhookSchema> {
  return {
    id: webhook.id,
    url: webhook.url,
    events: [...webhook.events],
    description: webhook.description,
    created_at: webhook.createdAt.toISOString(),
  };
}

export function deliveryView(delivery: Delivery): z.output<typeof DeliverySchema> {
  return {
    id: delivery.id,
    webhook_id: delivery.webhookId,
    event: delivery.event,
    lottery_id: delivery.lotteryId,
    status: delivery.status,
    attempts: delivery.attempts,
    last_status_code: delivery.lastStatusCode,
    last_error: delivery.lastError,
    next_attempt_at: delivery.nextAttemptAt?.toISOString() ?? null,
    delivered_at: delivery.deliveredAt?.toISOString() ?? null,
    created_at: delivery.createdAt.toISOString(),
  };
}
