import { randomBytes, randomInt } from 'node:crypto';
import type { RandomSource } from '../ports/system.js';
import { monotonicUuidV7 } from './uuid-v7.js';

const POOL_BYTES = 4096;

/**
 * Bytes from the operating system's CSPRNG, fetched a pool at a time: a ballot needs 28 random
 * bytes (its code and its id), and one system call per few bytes was the API's largest CPU cost
 * under load (docs/benchmarks.md). Each byte is handed out once; callers get copies.
 */
export function pooledRandomBytes(poolBytes = POOL_BYTES): (length: number) => Uint8Array {
  let pool = new Uint8Array(0);
  let offset = 0;
  return (length) => {
    if (length > poolBytes) return new Uint8Array(randomBytes(length));
    if (offset + length > pool.length) {
      pool = new Uint8Array(randomBytes(poolBytes));
      offset = 0;
    }
    const out = pool.slice(offset, offset + length);
    offset += length;
    return out;
  };
}

const bytes = pooledRandomBytes();

/** The operating system's CSPRNG: the only randomness production code uses. */
export const cryptoRandom: RandomSource = {
  bytes,
  // randomInt rejects biased values itself (and keeps its own cache); its bound (2^48) is far
  // above any pool size.
  below: (bound) => randomInt(bound),
  uuid: monotonicUuidV7(Date.now, bytes),
};
