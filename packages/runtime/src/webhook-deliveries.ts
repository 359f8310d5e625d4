import { setTimeout as sleep } from 'node:timers/promises';
import { type DeliveryDeps, type DeliveryTick, deliverDueWebhooks, StoreUnavailable } from '@fairdraw/application';
import type { ScheduleLog } from './draw-schedule.js';

/** How often due deliveries are looked for; a delivery is due at once, then on its backoff. */
export const DELIVERY_INTERVAL_MS = 1000;

/** One delivery tick as both schedulers run it, logged when it did something. */
export function webhookDeliveryTick(deps: DeliveryDeps, log: ScheduleLog): () => Promise<DeliveryTick> {
  return async () => {
    const tick = await deliverDueWebhooks(deps);
    if (tick.attempted > 0) log.info({ ...tick }, 'webhook deliveries attempted');
    return tick;
  };
}

/**
 * The embedded mode's delivery loop: the worker's BullMQ job, on a timer in this process. Ticks
 * never overlap; a failed tick (the database away) is logged and the next one tries again.
 */
export function startWebhookDeliveries(deps: DeliveryDeps, log: ScheduleLog, intervalMs = DELIVERY_INTERVAL_MS): { stop(): Promise<void> } {
  const tick = webhookDeliveryTick(deps, log);
  const aborts = new AbortController();
  const loop = (async () => {
    while (!aborts.signal.aborted) {
      try {
        await tick();
      } catch (error) {
        // The database away is reported once by the runtime, not once a second here.
        if (!(error instanceof StoreUnavailable)) log.warn({ err: error }, 'webhook deliveries failed; the next tick tries again');
      }
      await sleep(intervalMs, undefined, { signal: aborts.signal }).catch(() => undefined);
    }
  })();
  return {
    async stop() {
      aborts.abort();
      await loop;
    },
  };
}
