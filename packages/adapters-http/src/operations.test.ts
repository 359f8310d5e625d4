import { afterEach, describe, expect, it } from 'vitest';
import { expectProblem, type Harness, harness, PASSWORD } from './test-support/harness.js';

let h: Harness;
afterEach(() => h.close());

/** Every route of API.md this package serves (GET /verify/{id} is the verify page's). */
const API_ROUTES = [
  ['post', '/auth/register'],
  ['post', '/auth/login'],
  ['post', '/auth/refresh'],
  ['post', '/auth/logout'],
  ['get', '/me'],
  ['post', '/lotteries'],
  ['get', '/lotteries'],
  ['get', '/lotteries/{id}'],
  ['get', '/lotteries/by-date/{date}'],
  ['post', '/lotteries/{id}/close'],
  ['post', '/lotteries/{id}/draw'],
  ['get', '/lotteries/{id}/winners'],
  ['get', '/lotteries/by-date/{date}/winners'],
  ['get', '/winners'],
  ['get', '/lotteries/{id}/draw'],
  ['get', '/lotteries/{id}/entries'],
  ['post', '/lotteries/{id}/ballots'],
  ['get', '/me/ballots'],
  ['get', '/lotteries/{id}/ballots'],
  ['post', '/lotteries/{id}/verify'],
  ['get', '/health/live'],
  ['get', '/health/ready'],
  ['get', '/verify/{id}'],
  ['post', '/lotteries/{id}/cancel'],
  ['get', '/me/wallet'],
  ['get', '/me/wallet/transactions'],
  ['post', '/me/wallet/deposits'],
  ['get', '/participants/{id}/wallet'],
  ['get', '/ledger'],
  ['post', '/webhooks'],
  ['get', '/webhooks'],
  ['delete', '/webhooks/{id}'],
  ['get', '/webhooks/{id}/deliveries'],
  ['get', '/metrics'],
  ['get', '/'],
] as const;

describe('the verify page', () => {
  it('is served as HTML with a policy that allows exactly its own script and style', async () => {
    h = await harness();
    const id = '0190f5e2-0000-7000-8000-0000000000aa';
    const res = await h.app.inject({ method: 'GET', url: `/verify/${id}` });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/html');
    expect(res.body).toContain(`data-lottery-id="${id}"`);
    // Its own inline script by hash, and the BLS modules it imports from this service ('self').
    expect(String(res.headers['content-security-policy'])).toMatch(/script-src 'sha256-[^']+' 'self'; style-src 'sha256-/);
    expect((await h.app.inject({ method: 'GET', url: '/verify/not-a-uuid' })).statusCode).toBe(400);
  });

  it('serves its BLS modules from the service, imports rewritten to the same route, and nothing else', async () => {
    h = await harness();
    const bls = await h.app.inject({ method: 'GET', url: '/verify/assets/noble-curves/bls12-381.js' });
    expect(bls.statusCode).toBe(200);
    expect(bls.headers['content-type']).toContain('text/javascript');
    expect(bls.body).toContain("from '/verify/assets/noble-hashes/sha2.js'");
    expect(bls.body).not.toMatch(/from ['"]@noble\//);
    const weierstrass = await h.app.inject({ method: 'GET', url: '/verify/assets/noble-curves/abstract/weierstrass.js' });
    expect(weierstrass.body).toContain("from '/verify/assets/noble-hashes/hmac.js'");
    expect((await h.app.inject({ method: 'GET', url: '/verify/assets/noble-hashes/sha2.js' })).statusCode).toBe(200);
    for (const url of [
      '/verify/assets/noble-curves/package.json',
      '/verify/assets/noble-curves/../hashes/sha2.js',
      '/verify/assets/noble-curves/%2e%2e/%2e%2e/%2e%2e/package.json',
      '/verify/assets/fastify/fastify.js',
      '/verify/assets/noble-curves/missing.js',
    ]) {
      const res = await h.app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(404);
      expect(res.headers['content-type'], url).toContain('application/problem+json');
    }
  });
});

describe('health', () => {
  it('live is 200; ready is 200 with the checks when all are ok', async () => {
    h = await harness({ readiness: async () => ({ database: 'ok', redis: 'ok' }) });
    expect((await h.request({ method: 'GET', url: '/health/live' })).json()).toEqual({ status: 'ok' });
    const ready = await h.request({ method: 'GET', url: '/health/ready' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: 'ok', checks: { database: 'ok', redis: 'ok' } });
  });

  it('ready is a 503 SERVICE_UNAVAILABLE problem naming the failing check', async () => {
    h = await harness({ readiness: async () => ({ database: 'ok', redis: 'connection refused' }) });
    const body = expectProblem(await h.request({ method: 'GET', url: '/health/ready' }), 503, 'SERVICE_UNAVAILABLE');
    expect(body.errors).toEqual([{ path: 'redis', message: 'connection refused' }]);
  });

  it('ready is a 503 when the check itself throws, without its message', async () => {
    h = await harness({
      readiness: async () => {
        throw new Error('password authentication failed for user "fairdraw"');
      },
    });
    const res = await h.request({ method: 'GET', url: '/health/ready' });
    expectProblem(res, 503, 'SERVICE_UNAVAILABLE');
    expect(res.body).not.toContain('password');
  });
});

describe('OpenAPI and docs', () => {
  it('GET /openapi.json lists every route with the method, generated from the zod schemas', async () => {
    h = await harness();
    const res = await h.request({ method: 'GET', url: '/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.openapi).toMatch(/^3\./);
    for (const [method, path] of API_ROUTES) expect(doc.paths[path]?.[method], `${method} ${path}`).toBeDefined();
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops as object).map((m) => `${m} ${path}`));
    expect(documented.sort()).toEqual(API_ROUTES.map(([m, p]) => `${m} ${p}`).sort());

    const register = doc.paths['/auth/register'].post;
    const schema = register.requestBody.content['application/json'].schema;
    expect(schema).toMatchObject({ type: 'object', additionalProperties: false, required: ['username', 'password'] });
    expect(schema.properties.password).toMatchObject({ minLength: 8, maxLength: 256 });
    expect(Object.keys(register.responses)).toEqual(expect.arrayContaining(['201', '400', '409', '429']));
    // 413, 429, 500 and 503 can come from any API route: a response validator must find them.
    for (const [method, path] of API_ROUTES.filter(([, p]) => p !== '/verify/{id}')) {
      const fallback = doc.paths[path][method].responses.default;
      expect(fallback?.content?.['application/problem+json']?.schema, `${method} ${path}`).toEqual({
        $ref: '#/components/schemas/Problem',
      });
    }
    expect(doc.paths['/lotteries'].post.security).toEqual([{ bearerAuth: [] }]);
    expect(doc.paths['/lotteries'].get.parameters.map((p: { name: string }) => p.name)).toEqual(
      expect.arrayContaining(['limit', 'cursor', 'status', 'closes_from', 'closes_to']),
    );
    expect(doc.paths['/lotteries/{id}/ballots'].post.parameters.map((p: { name: string }) => p.name)).toContain('idempotency-key');
    expect(Object.keys(doc.components.schemas).sort()).toEqual([
      'Ballot',
      'Delivery',
      'Draw',
      'Ledger',
      'Lottery',
      'LotteryBallot',
      'MyBallot',
      'Participant',
      'Problem',
      'Registered',
      'RegisteredWebhook',
      'TokenPair',
      'Transaction',
      'Wallet',
      'Webhook',
    ]);
  });

  it('GET /docs serves Swagger UI under a CSP it can live with', async () => {
    h = await harness();
    const res = await h.request({ method: 'GET', url: '/docs' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.body).toContain('swagger-ui');
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('upgrade-insecure-requests');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });
});

describe('security headers', () => {
  it('a route may replace the Content-Security-Policy (the verify page pins its inline script by hash)', async () => {
    const policy = "default-src 'none'; script-src 'sha256-abc'";
    h = await harness({
      extend: (app) => {
        app.get('/page', async (_request, reply) => reply.header('content-security-policy', policy).type('text/html').send('<p>hi</p>'));
      },
    });
    const res = await h.request({ method: 'GET', url: '/page' });
    expect(res.headers['content-security-policy']).toBe(policy);
    expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
  });
});

describe('rate limits', () => {
  it('429 RATE_LIMITED as problem+json with Retry-After, per client IP', async () => {
    h = await harness({ rateLimitPerMinute: 3 });
    const from = (remoteAddress: string) => h.request({ method: 'GET', url: '/lotteries', remoteAddress });
    for (let i = 0; i < 3; i++) expect((await from('198.51.100.1')).statusCode).toBe(200);
    const limited = await from('198.51.100.1');
    expectProblem(limited, 429, 'RATE_LIMITED');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect((await from('198.51.100.2')).statusCode).toBe(200);
    // Unknown routes count too, and probes never do.
    expectProblem(await h.request({ method: 'GET', url: '/nope', remoteAddress: '198.51.100.1' }), 429, 'RATE_LIMITED');
    expect((await h.request({ method: 'GET', url: '/health/live', remoteAddress: '198.51.100.1' })).statusCode).toBe(200);
  });

  it('/auth/* share a stricter limit', async () => {
    h = await harness({ rateLimitPerMinute: 100, authRateLimitPerMinute: 2 });
    const login = () => h.request({ method: 'POST', url: '/auth/login', payload: { username: 'x', password: PASSWORD } });
    expect((await login()).statusCode).toBe(401);
    expect((await h.request({ method: 'POST', url: '/auth/refresh', payload: { refresh_token: 'x' } })).statusCode).toBe(401);
    const limited = await login();
    expectProblem(limited, 429, 'RATE_LIMITED');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect((await h.request({ method: 'GET', url: '/lotteries' })).statusCode).toBe(200);
  });

  it('behind one proxy, counts by the right-most X-Forwarded-For entry', async () => {
    h = await harness({ rateLimitPerMinute: 1, trustProxy: 1 });
    const via = (xff: string) => h.request({ method: 'GET', url: '/lotteries', headers: { 'x-forwarded-for': xff } });
    expect((await via('10.0.0.1, 203.0.113.1')).statusCode).toBe(200);
    expect((await via('10.0.0.1, 203.0.113.2')).statusCode).toBe(200);
    expectProblem(await via('10.0.0.2, 203.0.113.1'), 429, 'RATE_LIMITED');
  });
});
