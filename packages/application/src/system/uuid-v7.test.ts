import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { cryptoRandom } from './crypto-random.js';
import { monotonicUuidV7 } from './uuid-v7.js';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const bytes = (length: number) => new Uint8Array(randomBytes(length));
const msOf = (id: string) => Number.parseInt(id.replaceAll('-', '').slice(0, 12), 16);

describe('monotonicUuidV7', () => {
  it('orders ids made in one millisecond by when they were made', () => {
    const next = monotonicUuidV7(() => 1_700_000_000_000, bytes);
    const ids = Array.from({ length: 500 }, next);
    for (const id of ids) expect(id).toMatch(UUID_V7);
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('borrows the next millisecond when the counter is full, and never goes back with the clock', () => {
    let ms = 1_700_000_000_000;
    const next = monotonicUuidV7(() => ms, bytes);
    const ids = Array.from({ length: 5000 }, next);
    expect(msOf(ids.at(-1) ?? '')).toBeGreaterThan(ms);
    ms -= 10_000;
    ids.push(next(), next());
    expect([...ids].sort()).toEqual(ids);
  });

  it('is what the production random source hands out', () => {
    const ids = Array.from({ length: 200 }, () => cryptoRandom.uuid());
    expect([...ids].sort()).toEqual(ids);
    for (const id of ids) expect(id).toMatch(UUID_V7);
  });
});
