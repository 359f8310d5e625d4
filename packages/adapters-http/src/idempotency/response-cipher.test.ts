import { describe, expect, it } from 'vitest';
import { responseCipher } from './response-cipher.js';

describe('responseCipher', () => {
  const cipher = responseCipher('a response secret for tests');

  it('round-trips, with a fresh IV each time', () => {
    const plain = '{"ballots":[{"verification_code":"abc"}]}';
    const a = cipher.seal(plain);
    const b = cipher.seal(plain);
    expect(a).not.toBe(b);
    expect(a).not.toContain('abc');
    expect(cipher.open(a)).toBe(plain);
    expect(cipher.open(b)).toBe(plain);
  });

  it('refuses a tampered ciphertext or another key', () => {
    const sealed = Buffer.from(cipher.seal('hello'), 'base64url');
    sealed[sealed.length - 1] = (sealed[sealed.length - 1] ?? 0) ^ 1;
    expect(() => cipher.open(sealed.toString('base64url'))).toThrow();
    expect(() => responseCipher('another secret, also long').open(cipher.seal('hello'))).toThrow();
  });

  it('refuses a short secret at start-up', () => {
    expect(() => responseCipher('short')).toThrow(/at least 16/);
  });
});
