import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

export interface ResponseCipher {
  seal(plain: string): string;
  open(sealed: string): string;
}

const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * AES-256-GCM for stored idempotent responses: a ballot response holds verification codes,
 * which are otherwise never stored. The key is derived from the configured secret with HKDF, so
 * the secret may be any length and is never used as a key directly.
 */
export function responseCipher(secret: string): ResponseCipher {
  return aeadCipher(secret, 'idempotent responses v1');
}

/**
 * The same construction for webhook signing secrets, under a key of its own (HKDF info differs),
 * so that a database dump alone cannot sign deliveries.
 */
export function webhookSecretBox(secret: string): ResponseCipher {
  return aeadCipher(secret, 'webhook secrets v1');
}

function aeadCipher(secret: string, purpose: string): ResponseCipher {
  if (secret.length < 16) throw new Error('the response secret must be at least 16 characters');
  const key = Buffer.from(hkdfSync('sha256', secret, 'fairdraw', purpose, 32));
  return {
    seal(plain) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
    },
    open(sealed) {
      const raw = Buffer.from(sealed, 'base64url');
      const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV_BYTES));
      decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
      return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
    },
  };
}
