import { describe, expect, it } from 'vitest';
import { cryptoRandom, pooledRandomBytes } from './crypto-random.js';

describe('pooledRandomBytes', () => {
  it('hands out each byte of a pool once, across refills, in the length asked', () => {
    const take = pooledRandomBytes(64);
    const draws = Array.from({ length: 2000 }, () => take(18));
    expect(draws.every((d) => d.length === 18)).toBe(true);
    // 144-bit values: a repeat would mean bytes were handed out twice.
    expect(new Set(draws.map((d) => Buffer.from(d).toString('hex'))).size).toBe(2000);
    // Larger than the pool: straight from the CSPRNG.
    expect(take(100)).toHaveLength(100);
  });

  it('gives ids and codes that do not repeat', () => {
    const ids = Array.from({ length: 5000 }, () => cryptoRandom.uuid());
    expect(new Set(ids).size).toBe(5000);
    const codes = Array.from({ length: 5000 }, () => Buffer.from(cryptoRandom.bytes(18)).toString('hex'));
    expect(new Set(codes).size).toBe(5000);
  });
});
