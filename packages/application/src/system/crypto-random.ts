import { randomBytes, randomInt } from 'node:crypto';
import type { RandomSource } from '../ports/system.js';
import { monotonicUuidV7 } from './uuid-v7.js';

/** The operating system's CSPRNG: the only randomness production code uses. */
export const cryptoRandom: RandomSource = {
  bytes: (length) => new Uint8Array(randomBytes(length)),
  // randomInt rejects biased values itself; its bound (2^48) is far above any pool size.
  below: (bound) => randomInt(bound),
  uuid: monotonicUuidV7(Date.now, (length) => new Uint8Array(randomBytes(length))),
};
