import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * API.md's `Fairdraw-Signature: t={unix seconds},v1={hex(hmac_sha256(secret, "{t}.{raw body}"))}`.
 * The key is the secret exactly as shown at registration (its UTF-8 bytes). The timestamp is
 * signed with the body, so a receiver that refuses old timestamps refuses replays too.
 */
export function signWebhook(secret: string, unixSeconds: number, rawBody: string): string {
  return `t=${unixSeconds},v1=${webhookDigest(secret, unixSeconds, rawBody)}`;
}

function webhookDigest(secret: string, unixSeconds: number, rawBody: string): string {
  return createHmac('sha256', secret).update(`${unixSeconds}.${rawBody}`).digest('hex');
}

/**
 * What a receiver does with the header (kept here so the tests check deliveries the way the
 * README tells integrators to): true when a `v1` matches and `t` is within `toleranceSeconds`.
 */
export function verifyWebhookSignature(
  secret: string,
  header: string,
  rawBody: string,
  options: { nowSeconds: number; toleranceSeconds: number },
): boolean {
  const parts = header.split(',').map((part) => part.trim().split('=', 2) as [string, string | undefined]);
  const t = Number(parts.find(([key]) => key === 't')?.[1]);
  if (!Number.isSafeInteger(t) || Math.abs(options.nowSeconds - t) > options.toleranceSeconds) return false;
  const expected = Buffer.from(webhookDigest(secret, t, rawBody), 'hex');
  return parts.some(([key, value]) => {
    if (key !== 'v1' || value === undefined || !/^[0-9a-f]{64}$/.test(value)) return false;
    return timingSafeEqual(Buffer.from(value, 'hex'), expected);
  });
}
