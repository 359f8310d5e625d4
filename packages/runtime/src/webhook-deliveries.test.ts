import { closeLottery, createLottery, type OutgoingDelivery, registerWebhook, StoreUnavailable } from '@fairdraw/application';
import { testDeps } from '@fairdraw/application/testing';
import { describe, expect, it } from 'vitest';
import { startWebhookDeliveries } from './webhook-deliveries.js';

const quiet = { info() {}, warn() {}, error() {} };

describe('the embedded delivery loop', () => {
  it('delivers events as they are recorded, and stops cleanly', async () => {
    const deps = testDeps({ now: new Date() });
    const sent: OutgoingDelivery[] = [];
    const loop = startWebhookDeliveries(
      {
        uow: deps.uow,
        clock: deps.clock,
        secrets: deps.webhooks.secrets,
        transport: {
          post: async (d) => {
            sent.push(d);
            return { statusCode: 200 };
          },
        },
      },
      quiet,
      5,
    );
    try {
      await registerWebhook(deps, { url: 'https://shop.example/hooks', events: ['lottery.closed'], description: null });
      const lottery = await createLottery(deps, {});
      await closeLottery(deps, { lotteryId: lottery.id });
      for (let i = 0; i < 200 && sent.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
      expect(sent.map((d) => d.headers['fairdraw-event'])).toEqual(['lottery.closed']);
    } finally {
      await loop.stop();
    }
  });

  it('keeps going after a tick fails', async () => {
    const deps = testDeps({ now: new Date() });
    let calls = 0;
    const broken = {
      ...deps.uow,
      run: async () => {
        calls++;
        throw new Error('database away');
      },
    };
    const warnings: string[] = [];
    const loop = startWebhookDeliveries(
      { uow: broken, clock: deps.clock, secrets: deps.webhooks.secrets, transport: { post: async () => ({ statusCode: 200 }) } },
      { ...quiet, warn: (_d, m) => warnings.push(m) },
      5,
    );
    for (let i = 0; i < 200 && calls < 3; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    await loop.stop();
    expect(calls).toBeGreaterThanOrEqual(3);
    expect(warnings[0]).toContain('webhook deliveries failed');
  });

  it('keeps quiet about an unreachable database, which the runtime reports once', async () => {
    const deps = testDeps({ now: new Date() });
    let calls = 0;
    const away = {
      ...deps.uow,
      run: async () => {
        calls++;
        throw new StoreUnavailable('the database cannot be reached right now; retry shortly', 2);
      },
    };
    const warnings: string[] = [];
    const loop = startWebhookDeliveries(
      { uow: away, clock: deps.clock, secrets: deps.webhooks.secrets, transport: { post: async () => ({ statusCode: 200 }) } },
      { ...quiet, warn: (_d, m) => warnings.push(m) },
      5,
    );
    for (let i = 0; i < 200 && calls < 3; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    await loop.stop();
    expect(calls).toBeGreaterThanOrEqual(3);
    expect(warnings).toEqual([]);
  });
});
