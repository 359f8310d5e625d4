import type { PasswordHasher } from '@fairdraw/application';
import argon2 from 'argon2';

/** argon2id at OWASP's minimum (19 MiB, t=2, p=1): ~30 ms a hash on the reference machine. */
export const argon2Hasher: PasswordHasher = {
  hash: (password) => argon2.hash(password, { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 }),
  verify: async (hash, password) => {
    try {
      return await argon2.verify(hash, password);
    } catch {
      return false;
    }
  },
};
