import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { registerWebhook } from '@fairdraw/application';
import { verifyWebhookSignature } from '@fairdraw/domain';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnCompiled, type WorkerProcess } from './testing/child-worker.js';
import { eventually, lotteryClosingSoon, lotteryStatus, useRuntimeStack, workerEnv } from './testing/stack.js';

const shared = useRuntimeStack();
const got: { headers: IncomingHttpHeaders; body: string }[] = [];
let receiver: Server;
let url = '';
let worker: WorkerProcess | null = null;

beforeAll(async () => {
  const redis = new Redis(shared.stack.redis.url);
  await redis.flushall();
  redis.disconnect();
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      got.push({ headers: req.headers, body });
      res.writeHead(204).end();
    });
  });
  receiver.listen(0, '127.0.0.1');
  await once(receiver, 'listening');
  url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
});
afterAll(async () => {
  if (worker && worker.child.exitCode === null) worker.child.kill('SIGKILL');
  await worker?.exited;
  receiver?.close();
});

describe('the worker process', () => {
  it('draws a due lottery on its cron and delivers the lottery.drawn webhook through its BullMQ job', async () => {
    // Registered through the use case with private hosts allowed, as an admin with the setting would.
    const deps = { ...shared.runtime.deps, webhooks: { ...shared.runtime.deps.webhooks, addresses: { refusal: async () => null } } };
    const { webhook, secret } = await registerWebhook(deps, { url, events: ['lottery.drawn'], description: null });
    worker = spawnCompiled(
      'main',
      workerEnv(shared.database, shared.stack.redis, { DRAW_CRON: '* * * * * *', WEBHOOK_ALLOW_PRIVATE: 'true' }),
    );
    const lottery = await lotteryClosingSoon(shared.runtime.deps, 1_000);
    await eventually(async () => (await lotteryStatus(shared.runtime.deps, lottery)) === 'drawn', 'the draw');
    await eventually(() => got.length > 0, 'the delivery');
    const [{ headers, body } = { headers: {}, body: '' }] = got;
    expect(headers['fairdraw-event']).toBe('lottery.drawn');
    expect(JSON.parse(body)).toMatchObject({ type: 'lottery.drawn', data: { lottery: { id: lottery.id, status: 'drawn' } } });
    expect(
      verifyWebhookSignature(secret, String(headers['fairdraw-signature']), body, {
        nowSeconds: Math.floor(Date.now() / 1000),
        toleranceSeconds: 60,
      }),
    ).toBe(true);
    await eventually(async () => {
      const [delivery] = (await shared.runtime.deps.uow.reads.webhooks.deliveries(webhook.id, { limit: 1, cursor: null })).items;
      return delivery?.status === 'delivered';
    }, 'the delivery recorded');
    expect(got).toHaveLength(1);
  });
});
