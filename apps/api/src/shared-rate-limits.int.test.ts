import { buildServer } from '@fairdraw/adapters-http';
import { testDeps } from '@fairdraw/application/testing';
import { startTestRedis, type TestRedis } from '@fairdraw/runtime/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Behind a load balancer each replica used to count on its own, so N replicas let N times the
// limit through. With REDIS_URL the API keeps its counters in Redis, as main.ts wires it.
type FastifyInstance = Awaited<ReturnType<typeof buildServer>>;

let redis: TestRedis | null = null;
const clients: Redis[] = [];
const servers: FastifyInstance[] = [];

beforeAll(async () => {
  redis = await startTestRedis();
});
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
  for (const client of clients) client.disconnect();
  await redis?.stop();
});

/** An API process of its own (its own Redis client), sharing the one Redis. */
async function replica(limits: { perMinute: number; authPerMinute: number }): Promise<FastifyInstance> {
  const client = new Redis(redis?.url ?? '', { lazyConnect: true, maxRetriesPerRequest: 1 });
  // The last test stops Redis on purpose; main.ts logs these, here they are expected.
  client.on('error', () => {});
  clients.push(client);
  const app = await buildServer({
    deps: testDeps(),
    jwt: { secret: 'a test secret that is long enough!!', issuer: 'fairdraw', audience: 'fairdraw-api', accessTtlSeconds: 900 },
    adminIpAllowlist: [],
    trustProxy: 1,
    rateLimitPerMinute: limits.perMinute,
    authRateLimitPerMinute: limits.authPerMinute,
    rateLimitRedis: client,
    logger: false,
    responseSecret: 'test response secret, long enough',
    readiness: async () => ({}),
  });
  servers.push(app);
  return app;
}

const from = (address: string) => ({ 'x-forwarded-for': address });

describe('rate limits kept in Redis', () => {
  it('are shared by every replica: the limit holds for an address however requests are spread', async () => {
    const [a, b] = [await replica({ perMinute: 3, authPerMinute: 3 }), await replica({ perMinute: 3, authPerMinute: 3 })];
    const statuses = [];
    for (const app of [a, b, a, b])
      statuses.push((await app.inject({ method: 'GET', url: '/lotteries', headers: from('198.51.100.7') })).statusCode);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const refused = await b.inject({ method: 'GET', url: '/lotteries', headers: from('198.51.100.7') });
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect(refused.json()).toMatchObject({ code: 'RATE_LIMITED', status: 429 });
    // Another address has its own counter.
    expect((await a.inject({ method: 'GET', url: '/lotteries', headers: from('198.51.100.8') })).statusCode).toBe(200);
  });

  it('keeps the stricter /auth/* counter apart from the general one', async () => {
    const [a, b] = [await replica({ perMinute: 50, authPerMinute: 2 }), await replica({ perMinute: 50, authPerMinute: 2 })];
    const login = (app: FastifyInstance) =>
      app.inject({
        method: 'POST',
        url: '/auth/login',
        headers: from('203.0.113.9'),
        payload: { username: 'nobody', password: 'wrong password' },
      });
    // Five ordinary requests first: sharing a name, they would have used up the login budget.
    for (let i = 0; i < 5; i++) await a.inject({ method: 'GET', url: '/lotteries', headers: from('203.0.113.9') });
    expect([(await login(a)).statusCode, (await login(b)).statusCode, (await login(a)).statusCode]).toEqual([401, 401, 429]);
  });

  it('lets requests through when Redis does not answer, rather than failing them', async () => {
    const app = await replica({ perMinute: 1, authPerMinute: 1 });
    await redis?.stop();
    redis = null;
    const statuses = [];
    for (let i = 0; i < 3; i++)
      statuses.push((await app.inject({ method: 'GET', url: '/lotteries', headers: from('192.0.2.1') })).statusCode);
    expect(statuses).toEqual([200, 200, 200]);
  });
});
