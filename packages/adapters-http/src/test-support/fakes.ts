/**
 * Reproducible randomness for the HTTP tests, on top of the application's test deps (a clock
 * moved by hand, an in-memory unit of work, a password hasher without argon2's cost).
 */
import { createHash } from 'node:crypto';
import type { RandomSource } from '@fairdraw/application';
import { type TestDeps, testDeps } from '@fairdraw/application/testing';

export type FakeDeps = TestDeps;

/** sha256 in counter mode: random-looking, the same on every run. */
function seededRandom(seed = 'fairdraw http tests'): RandomSource {
  let block = 0;
  let buffer = Buffer.alloc(0);
  let ids = 0;
  const bytes = (length: number): Uint8Array => {
    while (buffer.length < length) {
      buffer = Buffer.concat([buffer, createHash('sha256').update(`${seed}:${block++}`).digest()]);
    }
    const out = new Uint8Array(buffer.subarray(0, length));
    buffer = buffer.subarray(length);
    return out;
  };
  return {
    bytes,
    below(bound) {
      // Rejection sampling over 48 bits, as a CSPRNG-backed randomInt does.
      const limit = 2 ** 48 - (2 ** 48 % bound);
      for (;;) {
        const x = Buffer.from(bytes(6)).readUIntBE(0, 6);
        if (x < limit) return x % bound;
      }
    },
    // A UUIDv7 whose low bits count up, so that ids sort in creation order within a millisecond.
    uuid() {
      const raw = Buffer.alloc(16);
      raw.writeUIntBE(Date.now(), 0, 6);
      raw.writeUInt16BE(0x7000, 6);
      raw.writeUInt16BE(0x8000, 8);
      raw.writeUIntBE(++ids, 10, 6);
      const s = raw.toString('hex');
      return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
    },
  };
}

export function fakeDeps(timeZone = 'UTC'): FakeDeps {
  return testDeps({ timeZone, random: seededRandom() });
}
