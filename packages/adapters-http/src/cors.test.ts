import { afterEach, describe, expect, it } from 'vitest';
import { corsGroupOf } from './plugins/cors.js';
import { expectProblem, type Harness, harness } from './test-support/harness.js';

let h: Harness;
afterEach(() => h.close());

const SHOP = 'https://shop.example';
const STRANGER = 'https://evil.example';
const ID = '0190f5e2-0000-7000-8000-0000000000aa';

const preflight = (url: string, origin: string, method: string, headers = 'authorization, content-type, idempotency-key') =>
  h.request({
    method: 'OPTIONS',
    url,
    headers: { origin, 'access-control-request-method': method, 'access-control-request-headers': headers },
  });

describe('CORS preflights', () => {
  it('allow an origin of CORS_ORIGINS on a restricted endpoint: 204 with its methods and headers, no credentials', async () => {
    h = await harness({ corsOrigins: [SHOP, 'http://127.0.0.1:8080'] });
    const res = await preflight('/lotteries', SHOP, 'POST');
    expect(res.statusCode, res.body).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe(SHOP);
    expect(String(res.headers['access-control-allow-methods']).split(', ')).toEqual(expect.arrayContaining(['POST', 'GET', 'DELETE']));
    expect(String(res.headers['access-control-allow-headers']).split(', ')).toEqual([
      'Authorization',
      'Content-Type',
      'Idempotency-Key',
      'If-None-Match',
    ]);
    expect(res.headers['access-control-allow-credentials']).toBeUndefined();
    expect(String(res.headers.vary)).toMatch(/origin/i);
    expect(res.body).toBe('');
  });

  it('refuse an origin outside CORS_ORIGINS with 403 FORBIDDEN problem+json and no CORS headers', async () => {
    h = await harness({ corsOrigins: [SHOP] });
    const res = await preflight(`/lotteries/${ID}/ballots`, STRANGER, 'POST');
    const body = expectProblem(res, 403, 'FORBIDDEN');
    expect(body.detail).toContain(STRANGER);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('refuse every origin on restricted endpoints by default (CORS_ORIGINS unset)', async () => {
    h = await harness();
    expectProblem(await preflight('/auth/login', SHOP, 'POST'), 403, 'FORBIDDEN');
    expectProblem(await preflight('/me', SHOP, 'GET'), 403, 'FORBIDDEN');
    expectProblem(await preflight('/webhooks', SHOP, 'GET'), 403, 'FORBIDDEN');
  });

  it('allow any origin to read the public records, even by default', async () => {
    h = await harness();
    for (const url of [`/lotteries/${ID}/draw`, `/lotteries/${ID}/entries`, '/lotteries?status=drawn', '/winners', '/openapi.json']) {
      const res = await preflight(url, STRANGER, 'GET', 'content-type, if-none-match');
      expect(res.statusCode, url).toBe(204);
      expect(res.headers['access-control-allow-origin'], url).toBe('*');
      expect(res.headers['access-control-allow-methods'], url).toBe('GET, HEAD');
      // A page that keeps a record itself may revalidate it.
      expect(String(res.headers['access-control-allow-headers']).split(', '), url).toContain('If-None-Match');
    }
    // The same path with a method that changes something is not a public read.
    expectProblem(await preflight(`/lotteries/${ID}/draw`, STRANGER, 'POST'), 403, 'FORBIDDEN');
  });

  it('leave an OPTIONS request that is not a preflight unrouted (404 problem)', async () => {
    h = await harness({ corsOrigins: [SHOP] });
    expectProblem(await h.request({ method: 'OPTIONS', url: '/lotteries' }), 404, 'NOT_FOUND');
  });
});

describe('CORS on real requests', () => {
  it('answer public reads with Access-Control-Allow-Origin * and a cross-origin resource policy, errors included', async () => {
    h = await harness();
    const lottery = await h.lottery();
    for (const url of [`/lotteries/${lottery.id}`, `/lotteries/${lottery.id}/draw`, '/lotteries', '/winners', '/openapi.json']) {
      const res = await h.request({ method: 'GET', url, headers: { origin: STRANGER } });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['access-control-allow-origin'], url).toBe('*');
      expect(res.headers['cross-origin-resource-policy'], url).toBe('cross-origin');
      expect(res.headers['access-control-allow-credentials'], url).toBeUndefined();
    }
    // The page may read the validator of a record it fetched, to revalidate it later.
    const record = await h.request({ method: 'GET', url: `/lotteries/${lottery.id}/draw`, headers: { origin: STRANGER } });
    expect(record.headers.etag).toMatch(/^"[0-9a-f]{64}"$/);
    expect(String(record.headers['access-control-expose-headers']).split(', ')).toContain('ETag');
    const missing = await h.request({ method: 'GET', url: `/lotteries/${ID}`, headers: { origin: STRANGER } });
    expectProblem(missing, 404, 'LOTTERY_NOT_FOUND');
    expect(missing.headers['access-control-allow-origin']).toBe('*');
    expect(missing.headers['access-control-expose-headers']).toContain('Retry-After');
  });

  it('answer the other endpoints only to CORS_ORIGINS, keeping the same-origin resource policy', async () => {
    h = await harness({ corsOrigins: [SHOP] });
    const player = await h.participant();
    const allowed = await h.request({ method: 'GET', url: '/me', token: player.token, headers: { origin: SHOP } });
    expect(allowed.statusCode).toBe(200);
    expect(allowed.headers['access-control-allow-origin']).toBe(SHOP);
    expect(allowed.headers['cross-origin-resource-policy']).toBe('same-origin');
    const other = await h.request({ method: 'GET', url: '/me', token: player.token, headers: { origin: STRANGER } });
    expect(other.statusCode).toBe(200);
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
    expect(other.headers['cross-origin-resource-policy']).toBe('same-origin');
  });

  it('keep the ballot list of an admin out of the public group', async () => {
    h = await harness();
    const res = await h.request({ method: 'GET', url: `/lotteries/${ID}/ballots`, headers: { origin: STRANGER } });
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    expect(res.headers['cross-origin-resource-policy']).toBe('same-origin');
  });
});

describe('corsGroupOf', () => {
  it('puts exactly API.md public reads in the public group', () => {
    const publicReads = [
      '/lotteries',
      `/lotteries/${ID}`,
      '/lotteries/by-date/2026-12-24',
      `/lotteries/${ID}/winners`,
      '/lotteries/by-date/2026-12-24/winners',
      '/winners?from=2026-01-01',
      `/lotteries/${ID}/draw`,
      `/lotteries/${ID}/entries`,
      '/openapi.json',
    ];
    for (const url of publicReads) {
      expect(corsGroupOf('GET', url), url).toBe('public-read');
      expect(corsGroupOf('HEAD', url), url).toBe('public-read');
      expect(corsGroupOf('POST', url), url).toBe('restricted');
    }
    for (const url of [`/lotteries/${ID}/ballots`, '/me', '/me/ballots', '/webhooks', '/health/ready', '/docs', `/verify/${ID}`, '/']) {
      expect(corsGroupOf('GET', url), url).toBe('restricted');
    }
  });
});
