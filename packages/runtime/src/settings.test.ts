import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { weaknessOf } from './secret-strength.js';
import { readSettings } from './settings.js';

const PLACEHOLDER = 'change-me-to-64-hex-characters-from-openssl-rand-hex-32';
const refusal = (env: Record<string, string>) => {
  try {
    readSettings(env);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error(`accepted: ${JSON.stringify(env)}`);
};

describe('TRUST_PROXY', () => {
  it('is false by default, and for false or 0', () => {
    expect(readSettings({}).TRUST_PROXY).toBe(false);
    expect(readSettings({ TRUST_PROXY: 'false' }).TRUST_PROXY).toBe(false);
    expect(readSettings({ TRUST_PROXY: '0' }).TRUST_PROXY).toBe(false);
  });

  it('takes a hop count or a list of proxy IPs and CIDRs', () => {
    expect(readSettings({ TRUST_PROXY: '1' }).TRUST_PROXY).toBe(1);
    expect(readSettings({ TRUST_PROXY: '2' }).TRUST_PROXY).toBe(2);
    expect(readSettings({ TRUST_PROXY: '10.0.0.1, 172.16.0.0/12,fd00::/8' }).TRUST_PROXY).toEqual([
      '10.0.0.1',
      '172.16.0.0/12',
      'fd00::/8',
    ]);
  });

  it('refuses true at start-up, saying what to set instead', () => {
    const message = refusal({ TRUST_PROXY: 'true' });
    expect(message).toMatch(/TRUST_PROXY=true is refused/);
    expect(message).toMatch(/number of proxies/);
  });

  it('refuses entries that are not addresses', () => {
    expect(refusal({ TRUST_PROXY: '10.0.0.1,proxy.internal' })).toMatch(/"proxy\.internal" is not an IP or CIDR/);
    expect(refusal({ TRUST_PROXY: '10.0.0.0/33' })).toMatch(/TRUST_PROXY/);
    expect(refusal({ TRUST_PROXY: 'yes' })).toMatch(/TRUST_PROXY/);
    expect(refusal({ TRUST_PROXY: '1000' })).toMatch(/at most 32/);
  });
});

describe('JWT_SECRET and HASH_SECRET', () => {
  it("refuse .env.example's placeholder, with a way to make a real one", () => {
    const message = refusal({ JWT_SECRET: PLACEHOLDER });
    expect(message).toMatch(/JWT_SECRET is not a random key/);
    expect(message).toContain('openssl rand -hex 32');
  });

  it.each([
    ['a phrase', 'correct horse battery staple, correct horse!'],
    ['too short', randomBytes(16).toString('hex')],
    ['a repeated character', 'a'.repeat(64)],
    ['a repeated block', '0123456789abcdef'.repeat(4)],
    ['a repeated random block', randomBytes(4).toString('hex').repeat(8)],
    ['a sequence', 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'],
    ['a small alphabet', '0101101001011010110100101101001010110100101101011010010110100101'],
    ['a chosen word in base64 clothes', `MySuperSecretJwtKey${randomBytes(24).toString('base64url')}`],
    ['the old test secret', 'test-jwt-secret-that-is-at-least-32-bytes-long'],
  ])('refuse %s', (_name, secret) => {
    expect(weaknessOf(secret)).not.toBeNull();
    expect(refusal({ JWT_SECRET: secret })).toMatch(/JWT_SECRET is not a random key/);
    expect(refusal({ HASH_SECRET: secret })).toMatch(/HASH_SECRET is not a random key/);
  });

  it('accept what `openssl rand -hex 32`, `openssl rand -base64 32` and randomBytes make, every time', () => {
    for (let i = 0; i < 2000; i++) {
      for (const secret of [randomBytes(32).toString('hex'), randomBytes(32).toString('base64'), randomBytes(48).toString('base64url')]) {
        expect(weaknessOf(secret), secret).toBeNull();
      }
    }
    const secret = randomBytes(32).toString('hex');
    expect(readSettings({ JWT_SECRET: secret, HASH_SECRET: randomBytes(32).toString('base64') }).JWT_SECRET).toBe(secret);
  });

  it('may be unset: embedded mode generates the JWT secret, HASH_SECRET derives from it', () => {
    const settings = readSettings({});
    expect(settings.JWT_SECRET).toBeUndefined();
    expect(settings.HASH_SECRET).toBeUndefined();
  });
});

describe('REQUEST_TIMEOUT', () => {
  it('is 30 s by default and takes a duration', () => {
    expect(readSettings({}).REQUEST_TIMEOUT).toBe(30_000);
    expect(readSettings({ REQUEST_TIMEOUT: '5s' }).REQUEST_TIMEOUT).toBe(5000);
    expect(refusal({ REQUEST_TIMEOUT: '10ms' })).toMatch(/REQUEST_TIMEOUT/);
  });
});
