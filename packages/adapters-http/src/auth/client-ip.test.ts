import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { clientIp, clientKey, fastifyTrustProxy, type TrustProxy } from './client-ip.js';
import { canonicalIp, perAddressKey } from './ip-address.js';

/** What a server with this TRUST_PROXY sees as the client of a request from `socket` carrying `xff`. */
async function seen(trust: TrustProxy, socket: string, xff?: string): Promise<{ ip: string; key: string }> {
  const app = Fastify({ trustProxy: fastifyTrustProxy(trust) });
  app.get('/', async (request) => ({ ip: clientIp(request), key: clientKey(request) }));
  const res = await app.inject({ url: '/', remoteAddress: socket, headers: xff === undefined ? {} : { 'x-forwarded-for': xff } });
  await app.close();
  return res.json();
}

describe('the client address', () => {
  it.each<[string, TrustProxy, string, string | undefined, string]>([
    ['without TRUST_PROXY, the socket, whatever the header says', false, '198.51.100.7', '10.0.0.1', '198.51.100.7'],
    ['with one proxy, the right-most entry', 1, '10.0.0.9', '203.0.113.1, 198.51.100.7', '198.51.100.7'],
    ['with one proxy and no header, the socket', 1, '10.0.0.9', undefined, '10.0.0.9'],
    ['with two proxies, the second entry from the right', 2, '10.0.0.9', '203.0.113.1, 198.51.100.7, 10.0.0.8', '198.51.100.7'],
    [
      'with listed proxies, the right-most entry that is not one',
      ['10.0.0.0/8'],
      '10.0.0.9',
      '203.0.113.1, 198.51.100.7, 10.0.0.8',
      '198.51.100.7',
    ],
    ['with listed proxies, the socket when it is not one of them', ['10.0.0.0/8'], '198.51.100.7', '203.0.113.1', '198.51.100.7'],
    ['with listed proxies, the same behind an IPv4-mapped socket', ['10.0.0.0/8'], '::ffff:10.0.0.9', '198.51.100.7', '198.51.100.7'],
    ['never a junk entry: the hop that passed it on', 1, '10.0.0.9', 'anything-at-all', '10.0.0.9'],
    ['never a junk entry, even left of a trusted hop', 2, '10.0.0.9', '198.51.100.7, junk, 10.0.0.8', '10.0.0.8'],
    ['never an address with a port', 1, '10.0.0.9', '198.51.100.7:4242', '10.0.0.9'],
    ['junk a listed proxy passes on', ['10.0.0.0/8'], '10.0.0.9', 'not-an-address', '10.0.0.9'],
    ['an IPv4-mapped entry as its IPv4 address', 1, '10.0.0.9', '::ffff:198.51.100.7', '198.51.100.7'],
    ['an IPv4-mapped entry in hex as its IPv4 address', 1, '10.0.0.9', '::ffff:c633:6407', '198.51.100.7'],
    ['an IPv4-mapped socket as its IPv4 address', false, '::ffff:198.51.100.7', undefined, '198.51.100.7'],
    ['IPv6 in one spelling', 1, '10.0.0.9', '2001:0DB8:0:0:0:0:0:0A', '2001:db8::a'],
  ])('is %s', async (_name, trust, socket, xff, expected) => {
    expect((await seen(trust, socket, xff)).ip).toBe(expected);
  });

  it('counts IPv6 by its /64 and IPv4 by the address, for limits', async () => {
    expect((await seen(1, '10.0.0.9', '2001:db8:1:2:aaaa::1')).key).toBe('2001:db8:1:2::/64');
    expect((await seen(1, '10.0.0.9', '2001:db8:1:2:bbbb:cccc:dddd:eeee')).key).toBe('2001:db8:1:2::/64');
    expect((await seen(1, '10.0.0.9', '::ffff:198.51.100.7')).key).toBe('198.51.100.7');
  });
});

describe('canonicalIp and perAddressKey', () => {
  it('spell one address one way and refuse what is not an address', () => {
    expect(canonicalIp(' 198.51.100.7 ')).toBe('198.51.100.7');
    expect(canonicalIp('fe80::1%eth0')).toBe('fe80::1');
    expect(canonicalIp('2001:db8:0:0:1:0:0:1')).toBe('2001:db8::1:0:0:1');
    expect(canonicalIp('::')).toBe('::');
    expect(canonicalIp('::1')).toBe('::1');
    expect(canonicalIp('::ffff:10.0.0.1')).toBe('10.0.0.1');
    for (const junk of ['anything-at-all', '', '1.2.3', '010.0.0.1', '[::1]', '1.2.3.4:80', undefined])
      expect(canonicalIp(junk)).toBeNull();
    expect(perAddressKey('2001:db8::1')).toBe('2001:db8::/64');
    expect(perAddressKey('1:2:3:4:5:6:7:8')).toBe('1:2:3:4::/64');
    expect(perAddressKey('198.51.100.7')).toBe('198.51.100.7');
  });
});
