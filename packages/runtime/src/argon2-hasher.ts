import { availableParallelism } from 'node:os';
import type { PasswordHasher } from '@fairdraw/application';
import argon2 from 'argon2';
import { gate } from './gate.js';

const OPTIONS = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

/**
 * Hashes at once: one per core, and never more than libuv's 4 threads would run anyway. Each
 * argon2id hash holds 19 MiB; more hashes than cores run no faster, they only hold more of those
 * buffers at once, and glibc keeps a thread's freed 19 MiB in that thread's arena unless
 * MALLOC_MMAP_THRESHOLD_ is set (docs/benchmarks.md, "API RSS"), so the peak and what stays
 * after a login burst grow with this number.
 */
const HASHES_AT_ONCE = Math.min(4, Math.max(1, availableParallelism()));

/** argon2id at OWASP's minimum (19 MiB, t=2, p=1): ~30 ms a hash on the reference machine. */
export function argon2Hasher(atOnce: number = HASHES_AT_ONCE): PasswordHasher {
  const inTurn = gate(atOnce);
  return {
    hash: (password) => inTurn(() => argon2.hash(password, OPTIONS)),
    verify: (hash, password) =>
      inTurn(async () => {
        try {
          return await argon2.verify(hash, password);
        } catch {
          return false;
        }
      }),
  };
}
