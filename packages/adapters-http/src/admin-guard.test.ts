import { afterEach, describe, expect, it } from 'vitest';
import { expectProblem, type Harness, harness } from './test-support/harness.js';

let h: Harness;
afterEach(() => h.close());

/** Every admin route of API.md, with a request that would succeed for an allowed admin. */
const adminRoutes = (lotteryId: string) =>
  [
    { method: 'POST', url: '/lotteries', payload: {} },
    { method: 'POST', url: `/lotteries/${lotteryId}/close` },
    { method: 'POST', url: `/lotteries/${lotteryId}/draw` },
    { method: 'GET', url: `/lotteries/${lotteryId}/ballots` },
  ] as const;

describe('admin routes', () => {
  it('401 without a token, 403 FORBIDDEN for a participant, on every admin route', async () => {
    h = await harness();
    const lottery = await h.lottery();
    const { token } = await h.participant();
    for (const route of adminRoutes(lottery.id)) {
      expectProblem(await h.request({ ...route }), 401, 'UNAUTHORIZED');
      expectProblem(await h.request({ ...route, token }), 403, 'FORBIDDEN');
    }
  });

  it('403 IP_NOT_ALLOWED for an admin outside ADMIN_IP_ALLOWLIST, on every admin route', async () => {
    h = await harness({ adminIpAllowlist: ['10.0.0.0/8', '2001:db8::/32', '192.0.2.7'] });
    const admin = await h.admin();
    const lottery = await h.request({ method: 'POST', url: '/lotteries', token: admin.token, remoteAddress: '10.1.2.3', payload: {} });
    expect(lottery.statusCode).toBe(201);
    for (const route of adminRoutes(lottery.json().id)) {
      expectProblem(await h.request({ ...route, token: admin.token, remoteAddress: '203.0.113.9' }), 403, 'IP_NOT_ALLOWED');
    }
  });

  it.each([
    ['an IPv4 CIDR', '10.200.0.1', 201],
    ['an exact IPv4 address', '192.0.2.7', 201],
    ['an IPv4-mapped IPv6 socket address', '::ffff:10.0.0.5', 201],
    ['an IPv6 CIDR', '2001:db8:1::5', 201],
    ['an address next to the exact one', '192.0.2.8', 403],
    ['an IPv6 address outside the CIDR', '2001:db9::1', 403],
    ['loopback', '127.0.0.1', 403],
  ])('allow-list with %s (%s) answers %i', async (_name, remoteAddress, status) => {
    h = await harness({ adminIpAllowlist: ['10.0.0.0/8', '2001:db8::/32', '192.0.2.7'] });
    const admin = await h.admin();
    const res = await h.request({ method: 'POST', url: '/lotteries', token: admin.token, remoteAddress, payload: {} });
    expect(res.statusCode, res.body).toBe(status);
  });

  it('ignores X-Forwarded-For unless trustProxy is set', async () => {
    h = await harness({ adminIpAllowlist: ['10.0.0.1'] });
    const admin = await h.admin();
    const forged = await h.request({
      method: 'POST',
      url: '/lotteries',
      token: admin.token,
      remoteAddress: '203.0.113.9',
      headers: { 'x-forwarded-for': '10.0.0.1' },
      payload: {},
    });
    expectProblem(forged, 403, 'IP_NOT_ALLOWED');
  });

  it('behind one proxy, uses the right-most X-Forwarded-For entry, never the left-most the client wrote', async () => {
    h = await harness({ adminIpAllowlist: ['10.0.0.1'], trustProxy: 1 });
    const admin = await h.admin();
    const send = (xff: string) =>
      h.request({
        method: 'POST',
        url: '/lotteries',
        token: admin.token,
        remoteAddress: '127.0.0.1',
        headers: { 'x-forwarded-for': xff },
        payload: {},
      });
    expect((await send('172.16.0.1, 10.0.0.1')).statusCode).toBe(201);
    expectProblem(await send('10.0.0.1, 203.0.113.9'), 403, 'IP_NOT_ALLOWED');
  });

  it('refuses an allow-list entry that is not an address or CIDR at start-up', async () => {
    await expect(harness({ adminIpAllowlist: ['10.0.0.0/33'] })).rejects.toThrow(/ADMIN_IP_ALLOWLIST/);
    await expect(harness({ adminIpAllowlist: ['localhost'] })).rejects.toThrow(/ADMIN_IP_ALLOWLIST/);
    h = await harness();
  });
});
