/**
 * Webhooks end to end on PostgreSQL: events written by the close and draw transactions, delivered
 * by the delivery tick over real HTTP to a receiver on 127.0.0.1 (so WEBHOOK_ALLOW_PRIVATE=true
 * where a test needs the receiver reachable), under a clock the tests move by hand.
 */
import { createHmac } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { httpWebhookPayloads, type Resolve, webhookAddressPolicy, webhookSecretBox, webhookTransport } from '@fairdraw/adapters-http';
import { emptyDatabase, freshDatabase, postgresTestDeps, startTestPostgres, type TestDatabase } from '@fairdraw/adapters-postgres/testing';
import {
  createLottery,
  type DeliveryDeps,
  type Deps,
  deliverDueWebhooks,
  drawLottery,
  registerParticipant,
  registerWebhook,
  runScheduledDraws,
  submitBallots,
  type WebhookEvent,
} from '@fairdraw/application';
import { failingAfterEvent, ManualClock } from '@fairdraw/application/testing';
import { verifyWebhookSignature } from '@fairdraw/domain';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';

/** A receiver that answers `status` (or is not listening while `down`), keeping what it got. */
class Receiver {
  readonly got: { headers: IncomingHttpHeaders; body: string }[] = [];
  status = 200;
  private server: Server | null = null;
  port = 0;
  async up(): Promise<void> {
    this.server = createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (chunk: string) => (body += chunk));
      req.on('end', () => {
        this.got.push({ headers: req.headers, body });
        res.writeHead(this.status).end();
      });
    });
    this.server.listen(this.port, '127.0.0.1');
    await once(this.server, 'listening');
    this.port = (this.server.address() as AddressInfo).port;
  }
  async down(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server) await new Promise((resolve) => server.close(resolve));
  }
  get url(): string {
    return `http://127.0.0.1:${this.port}/hooks`;
  }
}

let postgres: Awaited<ReturnType<typeof startTestPostgres>>;
let database: TestDatabase;
let receiver: Receiver;
let clock: ManualClock;
let deps: Deps & { clock: ManualClock };

const secrets = webhookSecretBox('integration test key, long enough');
const deliveryDeps = (rule: { allowPrivate: boolean; resolve?: Resolve } = { allowPrivate: true }): DeliveryDeps => ({
  uow: deps.uow,
  clock,
  secrets,
  transport: webhookTransport(rule),
});
const tick = (rule?: { allowPrivate: boolean; resolve?: Resolve }) => deliverDueWebhooks(deliveryDeps(rule));

beforeAll(async () => {
  postgres = await startTestPostgres();
  database = await freshDatabase(postgres);
});
afterAll(async () => {
  await database?.drop();
  await postgres?.stop();
});
beforeEach(async () => {
  await emptyDatabase(database.db);
  clock = new ManualClock(new Date());
  deps = {
    ...postgresTestDeps(database.db),
    clock,
    webhooks: { payloads: httpWebhookPayloads, addresses: webhookAddressPolicy({ allowPrivate: true }), secrets },
  };
  receiver = new Receiver();
  await receiver.up();
});
afterEach(() => receiver.down());

async function subscribe(events: WebhookEvent[], url = receiver.url) {
  return registerWebhook(deps, { url, events, description: 'test receiver' });
}

/** A lottery closing in a minute, with ballots, and the clock moved past its close. */
async function dueLottery(ballots = 3) {
  const lottery = await createLottery(deps, { closesAt: new Date(clock.now().getTime() + 60_000), prizes: [{ name: 'Gold', amount: 1 }] });
  const player = await registerParticipant(deps, { username: `p${lottery.id.slice(-8)}`, password: 'correct horse' });
  await submitBallots(deps, {
    lotteryId: lottery.id,
    player: { participantId: player.id, isAdmin: false },
    clientIp: '::1',
    count: ballots,
    ticketNumber: null,
  });
  clock.advance(61_000);
  return lottery;
}

const deliveries = async (webhookId: string) => (await deps.uow.reads.webhooks.deliveries(webhookId, { limit: 100, cursor: null })).items;

describe('webhook deliveries', () => {
  it('a scheduled draw makes exactly one lottery.drawn delivery, whose signature verifies', async () => {
    const { webhook, secret } = await subscribe(['lottery.drawn']);
    const lottery = await dueLottery();
    await runScheduledDraws(deps, { dailyLotteries: false, daysAhead: 1 });
    await runScheduledDraws(deps, { dailyLotteries: false, daysAhead: 1 }); // a repeated tick changes nothing
    await tick();
    await tick();

    expect(receiver.got).toHaveLength(1);
    const [{ headers, body } = { headers: {}, body: '' }] = receiver.got;
    const [delivery] = await deliveries(webhook.id);
    expect(headers['fairdraw-event']).toBe('lottery.drawn');
    expect(headers['fairdraw-delivery']).toBe(delivery?.id);
    expect(headers['content-type']).toBe('application/json');
    const signature = String(headers['fairdraw-signature']);
    const [, t, v1] = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(signature) ?? [];
    // Checked as API.md writes it, and as the README's receiver does.
    expect(v1).toBe(createHmac('sha256', secret).update(`${t}.${body}`).digest('hex'));
    expect(
      verifyWebhookSignature(secret, signature, body, { nowSeconds: Math.floor(clock.now().getTime() / 1000), toleranceSeconds: 300 }),
    ).toBe(true);

    const sent = JSON.parse(body);
    expect(Object.keys(sent)).toEqual(['id', 'type', 'created_at', 'data']);
    expect(sent).toMatchObject({ id: delivery?.id, type: 'lottery.drawn', data: { lottery: { id: lottery.id, status: 'drawn' } } });
    expect(sent.data.draw).toMatchObject({ lottery_id: lottery.id, status: 'drawn', algorithm: 'fairdraw-v1', n: 3 });
    expect(sent.data.draw.winners).toHaveLength(1);
    expect(delivery).toMatchObject({ status: 'delivered', attempts: 1, lastStatusCode: 200, lastError: null, nextAttemptAt: null });
  });

  it('a receiver down for an hour gets the delivery on a retry once it is back', async () => {
    const { webhook } = await subscribe(['lottery.closed']);
    await dueLottery();
    await receiver.down();
    await runScheduledDraws(deps, { dailyLotteries: false, daysAhead: 1 });
    const start = clock.now().getTime();
    await tick();
    const [first] = await deliveries(webhook.id);
    expect(first).toMatchObject({ status: 'pending', attempts: 1, lastStatusCode: null, nextAttemptAt: new Date(start + 10_000) });
    expect(first?.lastError).toMatch(/ECONNREFUSED/);
    while (clock.now().getTime() - start < 3_600_000) {
      clock.advance(60_000);
      await tick();
    }
    const [down] = await deliveries(webhook.id);
    expect(down?.status).toBe('pending');
    await receiver.up();
    clock.set(down?.nextAttemptAt ?? new Date());
    await tick();
    expect(receiver.got).toHaveLength(1);
    expect((await deliveries(webhook.id))[0]).toMatchObject({
      status: 'delivered',
      attempts: (down?.attempts ?? 0) + 1,
      lastStatusCode: 200,
    });
  });

  it('a receiver that answers 500 forever ends failed after 10 attempts', async () => {
    receiver.status = 500;
    const { webhook } = await subscribe(['lottery.drawn']);
    await dueLottery();
    await runScheduledDraws(deps, { dailyLotteries: false, daysAhead: 1 });
    for (let attempt = 0; attempt < 12; attempt++) {
      await tick();
      const [delivery] = await deliveries(webhook.id);
      if (delivery?.nextAttemptAt) clock.set(delivery.nextAttemptAt);
    }
    expect(receiver.got).toHaveLength(10);
    expect(new Set(receiver.got.map((g) => g.headers['fairdraw-delivery'])).size).toBe(1);
    expect((await deliveries(webhook.id))[0]).toMatchObject({
      status: 'failed',
      attempts: 10,
      lastStatusCode: 500,
      lastError: 'the receiver answered 500',
      nextAttemptAt: null,
      deliveredAt: null,
    });
  });

  it('a draw that rolls back sends nothing', async () => {
    await subscribe(['lottery.closed', 'lottery.drawn']);
    const lottery = await dueLottery();
    // The draw's transaction fails after writing both events: none of it may commit.
    const failing = failingAfterEvent(deps.uow, 'lottery.drawn');
    await expect(drawLottery({ ...deps, uow: failing }, { lotteryId: lottery.id })).rejects.toThrow('connection lost');
    await tick();
    expect(receiver.got).toEqual([]);
    expect(await database.db.selectFrom('webhook_events').selectAll().execute()).toEqual([]);
  });

  it('refuses a private URL without WEBHOOK_ALLOW_PRIVATE, by address and by name', async () => {
    const strict = { ...deps, webhooks: { ...deps.webhooks, addresses: webhookAddressPolicy({ allowPrivate: false }) } };
    for (const url of [receiver.url, `http://localhost:${receiver.port}/hooks`]) {
      await expect(registerWebhook(strict, { url, events: ['lottery.drawn'], description: null }), url).rejects.toMatchObject({
        code: 'VALIDATION_FAILED',
        errors: [{ path: 'url', message: expect.stringContaining('loopback, private') }],
      });
    }
  });

  it('refuses at delivery a name that resolved publicly at registration and privately now', async () => {
    let answer = '93.184.216.34';
    const resolve: Resolve = async () => [answer];
    const strict = { ...deps, webhooks: { ...deps.webhooks, addresses: webhookAddressPolicy({ allowPrivate: false, resolve }) } };
    const { webhook } = await registerWebhook(strict, {
      url: `http://hooks.example:${receiver.port}/hooks`,
      events: ['lottery.drawn'],
      description: null,
    });
    await dueLottery();
    await runScheduledDraws(deps, { dailyLotteries: false, daysAhead: 1 });
    answer = '127.0.0.1';
    await tick({ allowPrivate: false, resolve });
    expect(receiver.got).toEqual([]);
    const [refused] = await deliveries(webhook.id);
    expect(refused).toMatchObject({ status: 'pending', attempts: 1, lastStatusCode: null });
    expect(refused?.lastError).toContain('127.0.0.1 is a loopback, private');
    // The same name and lookup with private hosts allowed reaches the receiver: the check, not the lookup, refused it.
    clock.set(refused?.nextAttemptAt ?? new Date());
    await tick({ allowPrivate: true, resolve });
    expect(receiver.got).toHaveLength(1);
  });

  it('two workers ticking at once attempt each delivery once', async () => {
    const hooks = await Promise.all([subscribe(['lottery.drawn']), subscribe(['lottery.drawn']), subscribe(['lottery.drawn'])]);
    await dueLottery();
    await runScheduledDraws(deps, { dailyLotteries: false, daysAhead: 1 });
    const [a, b] = await Promise.all([tick(), tick()]);
    expect((a?.attempted ?? 0) + (b?.attempted ?? 0)).toBe(3);
    expect(receiver.got).toHaveLength(3);
    for (const { webhook } of hooks) expect((await deliveries(webhook.id))[0]?.status).toBe('delivered');
  });
});
