import { createHmac } from 'node:crypto';
import type { KeyedHasher } from '../ports/system.js';

/**
 * HMAC-SHA-256 under a server secret. Verification codes carry 144 random bits, so a fast keyed
 * hash is as safe as a password hash would be, without capping ticket throughput.
 */
export function hmacHasher(secret: string | Uint8Array): KeyedHasher {
  return { hash: (value) => createHmac('sha256', secret).update(value).digest('hex') };
}
