import type { Page, PageRequest } from './paging.js';

/** Webhooks, the outbox of their events and the deliveries, as stored (Repositories.webhooks). */
export const WEBHOOK_EVENTS = ['lottery.closed', 'lottery.drawn', 'lottery.cancelled'] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

export interface Webhook {
  readonly id: string;
  readonly url: string;
  readonly events: readonly WebhookEvent[];
  readonly description: string | null;
  /** The signing secret as SecretBox sealed it: a database dump alone cannot sign deliveries. */
  readonly sealedSecret: string;
  readonly createdAt: Date;
}

export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

export interface Delivery {
  readonly id: string;
  readonly webhookId: string;
  readonly event: WebhookEvent;
  readonly lotteryId: string;
  readonly status: DeliveryStatus;
  readonly attempts: number;
  readonly lastStatusCode: number | null;
  readonly lastError: string | null;
  readonly nextAttemptAt: Date | null;
  readonly deliveredAt: Date | null;
  readonly createdAt: Date;
}

/** One change a receiver is told of: `data` is the JSON text every delivery of it carries. */
export interface RecordedEvent {
  readonly id: string;
  readonly type: WebhookEvent;
  readonly lotteryId: string;
  readonly data: string;
  readonly createdAt: Date;
}

/** A delivery claimed for an attempt, with what the attempt needs. */
export interface DueDelivery {
  readonly delivery: Delivery;
  readonly url: string;
  readonly sealedSecret: string;
  readonly event: RecordedEvent;
}

export interface AttemptOutcome {
  readonly at: Date;
  /** delivered on a 2xx; failed when no attempt is left; pending otherwise. */
  readonly status: DeliveryStatus;
  readonly statusCode: number | null;
  readonly error: string | null;
  /** Null once delivered or out of attempts (then failed). */
  readonly nextAttemptAt: Date | null;
}

export interface WebhookRepository {
  add(webhook: Webhook): Promise<void>;
  /** Newest first. */
  list(page: PageRequest): Promise<Page<Webhook>>;
  /** Deletes it and its deliveries; false when there was none. */
  remove(id: string): Promise<boolean>;
  exists(id: string): Promise<boolean>;
  /** Ids of the webhooks subscribed to this event. */
  subscribers(event: WebhookEvent): Promise<string[]>;
  /** The event and one pending delivery per webhook, due at once (in the caller's transaction). */
  addEvent(event: RecordedEvent, deliveries: readonly { id: string; webhookId: string }[]): Promise<void>;
  /** A webhook's deliveries, newest first. */
  deliveries(webhookId: string, page: PageRequest): Promise<Page<Delivery>>;
  /**
   * Up to `limit` pending deliveries due at `now`, oldest due first, each leased (its next
   * attempt moved to `leaseUntil`) so that no other worker takes it while this one tries.
   */
  claimDue(now: Date, leaseUntil: Date, limit: number): Promise<DueDelivery[]>;
  /** Records an attempt; false when the delivery moved on meanwhile (its lease ran out and another took it). */
  recordAttempt(id: string, attemptsBefore: number, outcome: AttemptOutcome): Promise<boolean>;
}

/** What deliveries carry about a lottery: the API's own representations. */
