/**
 * fairdraw-v2 end to end in the embedded shape: the API's own runtime over PostgreSQL, its
 * in-process scheduler, and drand relays on 127.0.0.1 serving a test chain (its own BLS key, the
 * chain hash computed as API.md says). No test here reaches a public relay.
 */
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { buildServer } from '@fairdraw/adapters-http';
import { deadRelayUrl, recentTestChain, startTestRelay, type TestRelay } from '@fairdraw/adapters-http/testing';
import type { PostgresServer } from '@fairdraw/adapters-postgres';
import { freshDatabase, startTestPostgres, type TestDatabase } from '@fairdraw/adapters-postgres/testing';
import { ensureAdmin } from '@fairdraw/application';
import { roundFor, roundTimeMs, verifyRecord } from '@fairdraw/domain';
import { beaconReadiness, drawSchedule, type Runtime, readSettings, startBeacon, startRuntime } from '@fairdraw/runtime';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type InProcessSchedule, startInProcessScheduler } from './in-process-scheduler.js';

const quiet = { info: () => {}, warn: () => {}, error: () => {} };
const ADMIN = { username: 'admin', password: 'correct horse battery' };

let postgres: PostgresServer;
let relay: TestRelay;
type FastifyInstance = Awaited<ReturnType<typeof buildServer>>;
const running: { app: FastifyInstance; runtime: Runtime; scheduler: InProcessSchedule; database: TestDatabase }[] = [];

beforeAll(async () => {
  postgres = await startTestPostgres();
  relay = await startTestRelay(recentTestChain({ label: 'api', period: 1 }));
});

afterEach(async () => {
  relay.behaviour = 'serve';
  for (const { app, scheduler, runtime, database } of running.splice(0)) {
    await app.close();
    await scheduler.stop();
    await runtime.close();
    await database.drop();
  }
});

afterAll(async () => {
  await relay?.close();
  await postgres?.stop();
});

/** The API as main.ts wires it, with these settings on top of the test's own. */
async function startApi(env: Record<string, string>, database?: TestDatabase) {
  const db = database ?? (await freshDatabase(postgres));
  const settings = readSettings({
    DATABASE_URL: db.url,
    JWT_SECRET: randomBytes(32).toString('hex'),
    LOG_LEVEL: 'silent',
    DAILY_LOTTERIES: 'false',
    DRAW_RETRY_DELAY_MS: '300',
    BEACON_URLS: relay.url,
    BEACON_CHAIN_HASH: relay.test.chain.chainHash,
    BEACON_MARGIN_S: '1',
    RATE_LIMIT_PER_MINUTE: '100000',
    ...env,
  });
  const runtime = await startRuntime(settings, { migrate: false });
  await ensureAdmin(runtime.deps, ADMIN);
  await startBeacon(runtime.beacon, settings, quiet);
  const scheduler = await startInProcessScheduler(runtime.deps, drawSchedule(settings), quiet);
  runtime.useBeaconDraws(scheduler.beaconDraws);
  const app = await buildServer({
    deps: runtime.deps,
    jwt: { secret: runtime.jwtSecret, issuer: 'fairdraw', audience: 'fairdraw-api', accessTtlSeconds: 900 },
    adminIpAllowlist: [],
    trustProxy: false,
    rateLimitPerMinute: settings.RATE_LIMIT_PER_MINUTE,
    logger: false,
    responseSecret: runtime.responseKey.toString('hex'),
    readiness: async () => ({ database: 'ok', ...beaconReadiness(runtime.beacon) }),
  });
  running.push({ app, runtime, scheduler, database: db });
  const login = await app.inject({ method: 'POST', url: '/auth/login', payload: ADMIN });
  const admin = { authorization: `Bearer ${login.json().access_token}` };
  const player = await app.inject({ method: 'POST', url: '/auth/register', payload: { username: 'alice', password: 'correct horse' } });
  const alice = { authorization: `Bearer ${player.json().access_token}` };
  return { app, runtime, admin, alice, database: db };
}

type Api = Awaited<ReturnType<typeof startApi>>;

async function untilChainKnown(api: Api) {
  for (let i = 0; i < 100 && api.runtime.beacon.chainInfo() === null; i++) await sleep(50);
}

const create = async (api: Api, body: object) =>
  (await api.app.inject({ method: 'POST', url: '/lotteries', headers: api.admin, payload: body })).json();
const play = (api: Api, id: string, count: number) =>
  api.app.inject({ method: 'POST', url: `/lotteries/${id}/ballots`, headers: api.alice, payload: { count } });
const record = async (api: Api, id: string) => (await api.app.inject({ method: 'GET', url: `/lotteries/${id}/draw` })).json();

async function untilDrawn(api: Api, id: string, ms = 30_000) {
  for (const end = Date.now() + ms; Date.now() < end; await sleep(100)) {
    const draw = await record(api, id);
    if (draw.status === 'drawn') return draw;
  }
  throw new Error(`lottery ${id} was not drawn within ${ms} ms`);
}

describe('fairdraw-v2 draws against a local relay', { timeout: 120_000 }, () => {
  it('go from creation to a scheduled draw at the round, and verify with the relay chain key', async () => {
    const api = await startApi({});
    await untilChainKnown(api);
    const ready = await api.app.inject({ method: 'GET', url: '/health/ready' });
    expect(ready.json().checks).toMatchObject({ beacon: 'ok' });
    const closesAt = new Date(Date.now() + 2_000);
    const lottery = await create(api, { closes_at: closesAt.toISOString(), prizes: [{ name: 'Gold', amount: 2 }] });
    const round = roundFor(relay.test.chain, closesAt.getTime(), 1);
    expect(lottery).toMatchObject({
      algorithm: 'fairdraw-v2',
      beacon: { chain_hash: relay.test.chain.chainHash, public_key: relay.test.chain.publicKey, period: 1, margin_s: 1, round },
    });
    expect((await play(api, lottery.id, 4)).statusCode).toBe(201);
    const before = await record(api, lottery.id);
    expect(before).toMatchObject({ algorithm: 'fairdraw-v2', status: 'open', beacon: { round, signature: null, randomness: null } });
    expect(before.seed).toBeUndefined();

    const drawn = await untilDrawn(api, lottery.id);
    expect(Date.now()).toBeGreaterThanOrEqual(roundTimeMs(relay.test.chain, round));
    expect(drawn.beacon).toEqual({ chain_hash: relay.test.chain.chainHash, ...relay.test.sign(round) });
    expect(drawn.winners).toHaveLength(2);
    const lotteryNow = (await api.app.inject({ method: 'GET', url: `/lotteries/${lottery.id}` })).json();
    const entries = (await api.app.inject({ method: 'GET', url: `/lotteries/${lottery.id}/entries` })).body;
    const chains = new Map([[relay.test.chain.chainHash, relay.test.chain]]);
    expect(verifyRecord(lotteryNow, drawn, entries, { chains })).toEqual([]);
    // Once and only once: the admin's draw afterwards is refused.
    expect((await api.app.inject({ method: 'POST', url: `/lotteries/${lottery.id}/draw`, headers: api.admin })).json().code).toBe(
      'ALREADY_DRAWN',
    );
  });

  it("answer an admin's draw before the round with 409 BEACON_PENDING and Retry-After, and show the seed from the close on", async () => {
    const api = await startApi({ BEACON_MARGIN_S: '30' });
    await untilChainKnown(api);
    const lottery = await create(api, {});
    await play(api, lottery.id, 2);
    const closed = (await api.app.inject({ method: 'POST', url: `/lotteries/${lottery.id}/close`, headers: api.admin })).json();
    expect(closed.beacon.round).toBe(roundFor(relay.test.chain, Date.parse(closed.closed_at), 30));
    const early = await api.app.inject({ method: 'POST', url: `/lotteries/${lottery.id}/draw`, headers: api.admin });
    expect(early.statusCode).toBe(409);
    expect(early.json()).toMatchObject({ code: 'BEACON_PENDING', status: 409 });
    const wait = Number(early.headers['retry-after']);
    expect(wait).toBeGreaterThanOrEqual(29);
    expect(wait).toBeLessThanOrEqual(32);
    const shown = await record(api, lottery.id);
    expect(shown).toMatchObject({ status: 'closed', seed: expect.stringMatching(/^[0-9a-f]{64}$/), n: 2 });
  });

  it('answer 503 BEACON_UNAVAILABLE with Retry-After while relays fail, never use a forged signature, and draw past a dead first relay', async () => {
    const api = await startApi({ BEACON_URLS: `${await deadRelayUrl()},${relay.url}` });
    await untilChainKnown(api);
    expect(api.runtime.beacon.chainInfo()).toEqual(relay.test.chain);
    const lottery = await create(api, {});
    await play(api, lottery.id, 3);
    await api.app.inject({ method: 'POST', url: `/lotteries/${lottery.id}/close`, headers: api.admin });
    const round = (await record(api, lottery.id)).beacon.round;
    await sleep(Math.max(0, roundTimeMs(relay.test.chain, round) - Date.now()) + 50);
    const draw = () => api.app.inject({ method: 'POST', url: `/lotteries/${lottery.id}/draw`, headers: api.admin });
    relay.behaviour = 'fail';
    const down = await draw();
    expect(down.statusCode).toBe(503);
    expect(down.json().code).toBe('BEACON_UNAVAILABLE');
    expect(Number(down.headers['retry-after'])).toBeGreaterThan(0);
    relay.behaviour = 'forge';
    const forged = await draw();
    expect(forged.json().code).toBe('BEACON_UNAVAILABLE');
    expect((await record(api, lottery.id)).status).toBe('closed');
    relay.behaviour = 'serve';
    const drawn = await draw();
    expect(drawn.statusCode).toBe(201);
    expect(drawn.json().beacon).toEqual({ chain_hash: relay.test.chain.chainHash, ...relay.test.sign(round) });
  });

  it('stay v1 with DRAW_BEACON=off, without asking any relay', async () => {
    const asked = relay.requests.length;
    const api = await startApi({ DRAW_BEACON: 'off' });
    await sleep(300);
    const lottery = await create(api, {});
    expect(lottery).toMatchObject({ algorithm: 'fairdraw-v1', beacon: null });
    expect((await record(api, lottery.id)).beacon).toBeUndefined();
    expect((await api.app.inject({ method: 'GET', url: '/health/ready' })).json().checks).not.toHaveProperty('beacon');
    expect(relay.requests.length).toBe(asked);
  });

  it('are v1 while no relay answers (auto), and a lottery created v2 stays v2 when the beacon later goes away', async () => {
    const unreachable = await startApi({ BEACON_URLS: await deadRelayUrl() });
    await sleep(300);
    expect((await create(unreachable, {})).algorithm).toBe('fairdraw-v1');
    expect((await unreachable.app.inject({ method: 'GET', url: '/health/ready' })).statusCode).toBe(200);

    const api = await startApi({});
    await untilChainKnown(api);
    const lottery = await create(api, {});
    await play(api, lottery.id, 2);
    await api.app.inject({ method: 'POST', url: `/lotteries/${lottery.id}/close`, headers: api.admin });
    // The service restarts with the beacon switched off: the lottery keeps its algorithm and round.
    const { database } = api;
    const index = running.findIndex((r) => r.app === api.app);
    const [stopped] = running.splice(index, 1);
    await stopped?.app.close();
    await stopped?.scheduler.stop();
    await stopped?.runtime.close();
    const off = await startApi({ DRAW_BEACON: 'off' }, database);
    const after = (await off.app.inject({ method: 'GET', url: `/lotteries/${lottery.id}` })).json();
    expect(after).toMatchObject({ algorithm: 'fairdraw-v2', beacon: { round: lottery.beacon.round ?? expect.any(Number) } });
    await sleep(Math.max(0, roundTimeMs(relay.test.chain, after.beacon.round) - Date.now()) + 50);
    const drawn = await off.app.inject({ method: 'POST', url: `/lotteries/${lottery.id}/draw`, headers: off.admin });
    expect(drawn.statusCode).toBe(201);
    expect(drawn.json()).toMatchObject({ algorithm: 'fairdraw-v2', beacon: { round: after.beacon.round } });
    expect((await create(off, {})).algorithm).toBe('fairdraw-v1');
  });
});
