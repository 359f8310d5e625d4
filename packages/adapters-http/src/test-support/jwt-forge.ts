/**
 * Hand-made JWTs for the tampering tests: the service must refuse every one of these without
 * any help from the library that signs its real tokens.
 */
import { createHmac, createSign, generateKeyPairSync } from 'node:crypto';
import { JWT } from './harness.js';

const b64 = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

export type ForgeAlgorithm = 'HS256' | 'HS512' | 'RS256' | 'none';

export function forgeJwt(payload: Record<string, unknown>, options: { alg?: ForgeAlgorithm; secret?: string } = {}): string {
  const alg = options.alg ?? 'HS256';
  const head = `${b64({ alg, typ: 'JWT' })}.${b64(payload)}`;
  if (alg === 'none') return `${head}.`;
  if (alg === 'RS256') {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    return `${head}.${createSign('RSA-SHA256').update(head).sign(privateKey).toString('base64url')}`;
  }
  const hash = alg === 'HS256' ? 'sha256' : 'sha512';
  return `${head}.${createHmac(hash, options.secret ?? JWT.secret)
    .update(head)
    .digest('base64url')}`;
}

/** Claims a real access token would carry, valid for the next 15 minutes. */
export function claims(sub: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  return { sub, role: 'participant', iss: JWT.issuer, aud: JWT.audience, iat: now, exp: now + 900, ...overrides };
}
