import { nextWebhookAttempt, signWebhook } from '@fairdraw/domain';
import type { Deps } from './deps.js';
import type { Telemetry } from './ports/telemetry.js';
import type { DueDelivery, SecretBox, WebhookTransport } from './ports/webhooks.js';

export interface DeliveryDeps extends Pick<Deps, 'uow' | 'clock'> {
  readonly secrets: SecretBox;
  readonly transport: WebhookTransport;
  /** Where each attempt's outcome is counted; nothing is counted without it. */
  readonly telemetry?: Pick<Telemetry, 'webhookAttempted'> | undefined;
}

export interface DeliveryTick {
  readonly attempted: number;
  readonly delivered: number;
  /** Deliveries that used their last attempt in this tick. */
  readonly failed: number;
}

/**
 * A claimed delivery is leased this long: longer than an attempt can take (the transport gives
 * up after 10 s), so a second worker takes it only when the first died mid-attempt. That is the
 * at-least-once of API.md; receivers deduplicate by Fairdraw-Delivery.
 */
const LEASE_MS = 60_000;
const BATCH = 25;
/** A tick stops after this many batches even if more are due, so it never runs unbounded. */
const MAX_BATCHES = 20;

/**
 * One tick of the delivery schedule, as the worker's BullMQ job and the embedded scheduler run
 * it: every pending delivery due now is attempted once (concurrently within a batch) and its
 * outcome recorded: delivered on any 2xx, else retried with backoff, failed after 10 attempts.
 */
export async function deliverDueWebhooks(deps: DeliveryDeps): Promise<DeliveryTick> {
  const tally = { attempted: 0, delivered: 0, failed: 0 };
  for (let batch = 0; batch < MAX_BATCHES; batch++) {
    const now = deps.clock.now();
    const due = await deps.uow.run((repos) => repos.webhooks.claimDue(now, new Date(now.getTime() + LEASE_MS), BATCH));
    const outcomes = await Promise.all(due.map((d) => attempt(deps, d)));
    tally.attempted += outcomes.length;
    tally.delivered += outcomes.filter((o) => o === 'delivered').length;
    tally.failed += outcomes.filter((o) => o === 'failed').length;
    for (const outcome of outcomes) deps.telemetry?.webhookAttempted(outcome === 'pending' ? 'retried' : outcome);
    if (due.length < BATCH) break;
  }
  return tally;
}

/** The body API.md describes; the event's data is stored as JSON text, so every attempt sends the same bytes. */
export function deliveryBody(due: DueDelivery): string {
  const head = JSON.stringify({ id: due.delivery.id, type: due.event.type, created_at: due.event.createdAt.toISOString() });
  return `${head.slice(0, -1)},"data":${due.event.data}}`;
}

async function attempt(deps: DeliveryDeps, due: DueDelivery): Promise<'delivered' | 'pending' | 'failed'> {
  const body = deliveryBody(due);
  const signedAt = Math.floor(deps.clock.now().getTime() / 1000);
  let statusCode: number | null = null;
  let error: string | null = null;
  try {
    const secret = deps.secrets.open(due.sealedSecret);
    ({ statusCode } = await deps.transport.post({
      url: due.url,
      body,
      headers: {
        'content-type': 'application/json',
        'user-agent': 'fairdraw-webhooks/1',
        'fairdraw-event': due.event.type,
        'fairdraw-delivery': due.delivery.id,
        'fairdraw-signature': signWebhook(secret, signedAt, body),
      },
    }));
  } catch (failure) {
    error = failure instanceof Error ? failure.message : String(failure);
  }
  const at = deps.clock.now();
  const delivered = statusCode !== null && statusCode >= 200 && statusCode < 300;
  if (!delivered && error === null) error = `the receiver answered ${statusCode}`;
  const nextAttemptAt = delivered ? null : nextWebhookAttempt(due.delivery.attempts + 1, at);
  const status = delivered ? 'delivered' : nextAttemptAt === null ? 'failed' : 'pending';
  await deps.uow.run((repos) =>
    repos.webhooks.recordAttempt(due.delivery.id, due.delivery.attempts, { at, status, statusCode, error, nextAttemptAt }),
  );
  return status;
}
