import type { Lottery } from '@fairdraw/domain';
import type { Deps } from './deps.js';
import type { DrawRecord, Repositories } from './ports/repositories.js';
import type { WebhookEvent } from './ports/webhooks.js';

export interface LotteryEvent {
  readonly type: WebhookEvent;
  readonly lottery: Lottery;
  /** The draw, for lottery.drawn. */
  readonly record?: DrawRecord | undefined;
  readonly at: Date;
}

/**
 * Writes an event to the outbox in the caller's transaction (the one that closes, draws or
 * cancels), with a pending delivery for every webhook subscribed to it: it commits with the
 * change or rolls back with it, so no event is lost and none reports a change that never was.
 * With no subscriber nothing is written, so a lottery's hot paths pay one indexed read.
 */
export async function recordLotteryEvent(deps: Pick<Deps, 'random' | 'webhooks'>, repos: Repositories, event: LotteryEvent): Promise<void> {
  const subscribers = await repos.webhooks.subscribers(event.type);
  if (subscribers.length === 0) return;
  const { payloads } = deps.webhooks;
  const data = {
    lottery: payloads.lottery(event.lottery, event.at),
    ...(event.type === 'lottery.drawn' ? { draw: payloads.draw({ lottery: event.lottery, record: event.record ?? null }, event.at) } : {}),
  };
  await repos.webhooks.addEvent(
    { id: deps.random.uuid(), type: event.type, lotteryId: event.lottery.id, data: JSON.stringify(data), createdAt: event.at },
    subscribers.map((webhookId) => ({ id: deps.random.uuid(), webhookId })),
  );
}
