import { verifyWebhookSignature } from '@fairdraw/domain';
import { describe, expect, it } from 'vitest';
import { closeLottery } from './close-lottery.js';
import { createLottery } from './create-lottery.js';
import { type DeliveryDeps, deliverDueWebhooks } from './deliver-webhooks.js';
import type { OutgoingDelivery, WebhookTransport } from './ports/webhooks.js';
import { registerWebhook } from './register-webhook.js';
import { type TestDeps, testDeps } from './testing/index.js';

/** A receiver that answers what `answer` says, remembering every request. */
function receiver(answer: (n: number) => number | Error) {
  const seen: OutgoingDelivery[] = [];
  const transport: WebhookTransport = {
    async post(delivery) {
      seen.push(delivery);
      const outcome = answer(seen.length);
      if (outcome instanceof Error) throw outcome;
      return { statusCode: outcome };
    },
  };
  return { seen, transport };
}

async function oneEvent(deps: TestDeps) {
  const registered = await registerWebhook(deps, { url: 'https://shop.example/hooks', events: ['lottery.closed'], description: 'shop' });
  const lottery = await createLottery(deps, {});
  await closeLottery(deps, { lotteryId: lottery.id });
  return { ...registered, lottery };
}

const deliveryDeps = (deps: TestDeps, transport: WebhookTransport): DeliveryDeps => ({
  uow: deps.uow,
  clock: deps.clock,
  secrets: deps.webhooks.secrets,
  transport,
});
const onlyDelivery = async (deps: TestDeps, webhookId: string) =>
  (await deps.uow.reads.webhooks.deliveries(webhookId, { limit: 10, cursor: null })).items[0];

describe('webhook registration', () => {
  it('shows the secret once and stores it only sealed', async () => {
    const deps = testDeps();
    const { webhook, secret } = await registerWebhook(deps, {
      url: 'https://shop.example/hooks',
      events: ['lottery.drawn', 'lottery.drawn'],
      description: null,
    });
    expect(secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(webhook.events).toEqual(['lottery.drawn']);
    const [stored] = (await deps.uow.reads.webhooks.list({ limit: 10, cursor: null })).items;
    expect(stored?.sealedSecret).not.toContain(secret);
    expect(deps.webhooks.secrets.open(stored?.sealedSecret ?? '')).toBe(secret);
  });

  it('refuses a URL the address policy refuses, with 400 on url', async () => {
    const deps = testDeps();
    await expect(
      registerWebhook(deps, { url: 'http://db.internal/x', events: ['lottery.drawn'], description: null }),
    ).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      errors: [{ path: 'url' }],
    });
  });
});

describe('deliverDueWebhooks', () => {
  it('POSTs the event once with its id, type and signature, and marks it delivered on a 2xx', async () => {
    const deps = testDeps();
    const { webhook, secret, lottery } = await oneEvent(deps);
    const { seen, transport } = receiver(() => 204);
    expect(await deliverDueWebhooks(deliveryDeps(deps, transport))).toEqual({ attempted: 1, delivered: 1, failed: 0 });
    expect(await deliverDueWebhooks(deliveryDeps(deps, transport))).toEqual({ attempted: 0, delivered: 0, failed: 0 });
    expect(seen).toHaveLength(1);
    const [sent] = seen;
    const delivery = await onlyDelivery(deps, webhook.id);
    expect(JSON.parse(sent?.body ?? '')).toEqual({
      id: delivery?.id,
      type: 'lottery.closed',
      created_at: deps.clock.now().toISOString(),
      data: { lottery: { id: lottery.id, status: 'closed' } },
    });
    expect(sent?.headers).toMatchObject({
      'fairdraw-event': 'lottery.closed',
      'fairdraw-delivery': delivery?.id,
      'content-type': 'application/json',
    });
    const now = Math.floor(deps.clock.now().getTime() / 1000);
    expect(
      verifyWebhookSignature(secret, sent?.headers['fairdraw-signature'] ?? '', sent?.body ?? '', { nowSeconds: now, toleranceSeconds: 0 }),
    ).toBe(true);
    expect(delivery).toMatchObject({
      status: 'delivered',
      attempts: 1,
      lastStatusCode: 204,
      lastError: null,
      nextAttemptAt: null,
      deliveredAt: deps.clock.now(),
    });
  });

  it('retries a receiver that is down with backoff and delivers when it is back, an hour later', async () => {
    const deps = testDeps();
    const { webhook } = await oneEvent(deps);
    let up = false;
    const { seen, transport } = receiver(() => (up ? 200 : new Error('connect ECONNREFUSED')));
    const start = deps.clock.now().getTime();
    await deliverDueWebhooks(deliveryDeps(deps, transport));
    expect(await onlyDelivery(deps, webhook.id)).toMatchObject({
      status: 'pending',
      attempts: 1,
      lastError: 'connect ECONNREFUSED',
      nextAttemptAt: new Date(start + 10_000),
    });
    // Nothing is due before the backoff ends.
    deps.clock.advance(9_999);
    expect((await deliverDueWebhooks(deliveryDeps(deps, transport))).attempted).toBe(0);
    for (let minute = 0; minute < 60; minute++) {
      deps.clock.advance(60_000);
      await deliverDueWebhooks(deliveryDeps(deps, transport));
    }
    const down = await onlyDelivery(deps, webhook.id);
    expect(down?.status).toBe('pending');
    up = true;
    const attemptsWhileDown = seen.length;
    deps.clock.set(down?.nextAttemptAt ?? new Date());
    await deliverDueWebhooks(deliveryDeps(deps, transport));
    expect(await onlyDelivery(deps, webhook.id)).toMatchObject({
      status: 'delivered',
      attempts: attemptsWhileDown + 1,
      lastStatusCode: 200,
    });
  });

  it('ends failed after 10 attempts at a receiver that answers 500 forever', async () => {
    const deps = testDeps();
    const { webhook } = await oneEvent(deps);
    const { seen, transport } = receiver(() => 500);
    const times: number[] = [];
    for (let tick = 0; tick < 600; tick++) {
      const before = seen.length;
      await deliverDueWebhooks(deliveryDeps(deps, transport));
      if (seen.length > before) times.push(deps.clock.now().getTime());
      deps.clock.advance(10_000);
    }
    expect(seen).toHaveLength(10);
    const gaps = times.slice(1).map((t, i) => (t - (times[i] ?? 0)) / 1000);
    expect(gaps).toEqual([10, 20, 40, 80, 160, 320, 640, 1280, 2560]);
    expect(await onlyDelivery(deps, webhook.id)).toMatchObject({
      status: 'failed',
      attempts: 10,
      lastStatusCode: 500,
      nextAttemptAt: null,
      deliveredAt: null,
    });
    expect(await onlyDelivery(deps, webhook.id)).toMatchObject({ lastError: 'the receiver answered 500' });
  });

  it('counts each attempt by outcome: retried while the receiver fails, then delivered or failed for good', async () => {
    const deps = testDeps();
    await oneEvent(deps);
    const counted: string[] = [];
    const telemetry = { webhookAttempted: (outcome: string) => void counted.push(outcome) };
    const { transport } = receiver((n) => (n < 3 ? 500 : 200));
    for (let tick = 0; tick < 10; tick++) {
      await deliverDueWebhooks({ ...deliveryDeps(deps, transport), telemetry });
      deps.clock.advance(60_000);
    }
    expect(counted).toEqual(['retried', 'retried', 'delivered']);

    const failing = testDeps();
    await oneEvent(failing);
    const failed: string[] = [];
    const forever = receiver(() => 500).transport;
    for (let tick = 0; tick < 600; tick++) {
      await deliverDueWebhooks({ ...deliveryDeps(failing, forever), telemetry: { webhookAttempted: (o) => void failed.push(o) } });
      failing.clock.advance(10_000);
    }
    expect(failed).toEqual([...Array(9).fill('retried'), 'failed']);
  });

  it('treats a redirect as a failed attempt (it is not followed)', async () => {
    const deps = testDeps();
    const { webhook } = await oneEvent(deps);
    await deliverDueWebhooks(deliveryDeps(deps, receiver(() => 302).transport));
    expect(await onlyDelivery(deps, webhook.id)).toMatchObject({ status: 'pending', lastStatusCode: 302 });
  });

  it('leases what it claims, so a second worker meanwhile does not attempt it too', async () => {
    const deps = testDeps();
    await oneEvent(deps);
    let release = () => {};
    const slow: WebhookTransport = { post: () => new Promise((resolve) => (release = () => resolve({ statusCode: 200 }))) };
    const first = deliverDueWebhooks(deliveryDeps(deps, slow));
    await new Promise((resolve) => setTimeout(resolve, 10));
    const { seen, transport } = receiver(() => 200);
    expect((await deliverDueWebhooks(deliveryDeps(deps, transport))).attempted).toBe(0);
    release();
    expect(await first).toMatchObject({ delivered: 1 });
    expect(seen).toEqual([]);
  });
});
