import { describe, expect, it } from 'vitest';
import { ipAllowlist } from './ip-allowlist.js';

describe('ipAllowlist', () => {
  it('allows everyone when empty', () => {
    expect(ipAllowlist([])('203.0.113.1')).toBe(true);
    expect(ipAllowlist([' ', ''])('::1')).toBe(true);
  });

  it('matches IPv4 and IPv6 addresses and CIDRs, and IPv4-mapped IPv6 addresses', () => {
    const allowed = ipAllowlist(['127.0.0.1', '10.0.0.0/8', '::1', 'fd00::/8']);
    expect(allowed('127.0.0.1')).toBe(true);
    expect(allowed('::ffff:127.0.0.1')).toBe(true);
    expect(allowed('10.255.255.255')).toBe(true);
    expect(allowed('11.0.0.0')).toBe(false);
    expect(allowed('::1')).toBe(true);
    expect(allowed('fd12:3456::1')).toBe(true);
    expect(allowed('fe80::1')).toBe(false);
    expect(allowed('not an ip')).toBe(false);
  });

  it('rejects entries that are not addresses or CIDRs', () => {
    for (const entry of ['localhost', '10.0.0.0/33', '::/129', '10.0.0.1/8/8', '10.0.0.0/x']) {
      expect(() => ipAllowlist([entry]), entry).toThrow(/ADMIN_IP_ALLOWLIST/);
    }
  });
});
