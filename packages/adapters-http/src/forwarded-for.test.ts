import { afterEach, describe, expect, it } from 'vitest';
import { expectProblem, type Harness, harness, PASSWORD } from './test-support/harness.js';

// The audit's X-Forwarded-For matrix (issue 10, item 3) against each consumer of the client
// address: the admin allow-list sees the real address; per_ip_limit and the login limiter
// count per client, an IPv6 client by its /64. One proxy in front (TRUST_PROXY=1) at 10.0.0.9.
let h: Harness;
afterEach(() => h.close());

const PROXY = '10.0.0.9';

/** Pairs of X-Forwarded-For values: does the second come from the same client as the first? */
const pairs: [string, string, string, boolean][] = [
  ['a forged left-most entry', '203.0.113.1, 198.51.100.7', '203.0.113.2, 198.51.100.7', true],
  ['junk instead of an address', 'anything-at-all', 'something-else', true],
  ['two addresses of one IPv6 /64', '2001:db8:1:2::a', '2001:db8:1:2:ffff::b', true],
  ['an IPv4-mapped IPv6 address and its IPv4 address', '::ffff:198.51.100.7', '198.51.100.7', true],
  ['the right-most entries of two clients', '203.0.113.1, 198.51.100.7', '203.0.113.1, 198.51.100.8', false],
  ['two IPv6 /64s', '2001:db8:1:2::a', '2001:db8:1:3::a', false],
];

describe('per_ip_limit behind a proxy', () => {
  it.each(pairs)('with %s (%s, then %s): the same client: %s', async (_name, first, second, same) => {
    h = await harness({ trustProxy: 1 });
    const lottery = await h.lottery({ entry: { guests: true, per_ip_limit: 1 } });
    const take = (xff: string) =>
      h.request({
        method: 'POST',
        url: `/lotteries/${lottery.id}/ballots`,
        remoteAddress: PROXY,
        headers: { 'x-forwarded-for': xff },
        payload: {},
      });
    expect((await take(first)).statusCode).toBe(201);
    const again = await take(second);
    if (same) expectProblem(again, 403, 'ENTRY_LIMIT_REACHED');
    else expect(again.statusCode, again.body).toBe(201);
  });
});

describe('the login limiter behind a proxy', () => {
  it.each(pairs)('with %s (%s, then %s): the same client: %s', async (_name, first, second, same) => {
    h = await harness({ trustProxy: 1, authRateLimitPerMinute: 1 });
    const login = (xff: string) =>
      h.request({
        method: 'POST',
        url: '/auth/login',
        remoteAddress: PROXY,
        headers: { 'x-forwarded-for': xff },
        payload: { username: 'nobody', password: PASSWORD },
      });
    expect((await login(first)).statusCode).toBe(401);
    const again = await login(second);
    if (same) expectProblem(again, 429, 'RATE_LIMITED');
    else expectProblem(again, 401, 'INVALID_CREDENTIALS');
  });
});

describe('ADMIN_IP_ALLOWLIST behind a proxy', () => {
  it.each<[string, string, boolean]>([
    ['the right-most entry, allowed', '203.0.113.1, 198.51.100.7', true],
    ['an allowed address forged left-most', '198.51.100.7, 203.0.113.1', false],
    ['junk after an allowed address', '198.51.100.7, anything-at-all', false],
    ['an allowed address, IPv4-mapped', '::ffff:198.51.100.7', true],
    ['an allowed address, IPv4-mapped in hex', '::ffff:c633:6407', true],
    ['an allowed IPv6 address in another spelling', '2001:DB8:1:2:0:0:0:A', true],
    ['another address of the allowed one’s /64', '2001:db8:1:2::b', false],
  ])('with %s: %s', async (_name, xff, allowed) => {
    h = await harness({ trustProxy: 1, adminIpAllowlist: ['198.51.100.7', '2001:db8:1:2::a'] });
    const admin = await h.admin();
    const res = await h.request({
      method: 'POST',
      url: '/lotteries',
      token: admin.token,
      remoteAddress: PROXY,
      headers: { 'x-forwarded-for': xff },
      payload: {},
    });
    if (allowed) expect(res.statusCode, res.body).toBe(201);
    else expectProblem(res, 403, 'IP_NOT_ALLOWED');
  });
});
