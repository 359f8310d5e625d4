import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { nextWebhookAttempt, WEBHOOK_MAX_ATTEMPTS } from './webhook-retries.js';
import { signWebhook, verifyWebhookSignature } from './webhook-signature.js';

describe('webhook signatures', () => {
  const secret = 'whsec_test-secret';
  const body = '{"id":"d1","type":"lottery.drawn"}';

  it('are t={seconds},v1={hex hmac_sha256(secret, "{t}.{raw body}")}', () => {
    const expected = createHmac('sha256', secret).update(`1767225600.${body}`).digest('hex');
    expect(signWebhook(secret, 1_767_225_600, body)).toBe(`t=1767225600,v1=${expected}`);
    // A vector computed with Python's hmac module, so that a change of encoding (hex case, separator) cannot pass unnoticed.
    expect(signWebhook('key', 0, '')).toBe('t=0,v1=85841b4efc3cd7776c3c8f9b7cca9e281c550e5d19889d78e9e669c6337f000d');
  });

  it('verify for the right secret, body and time only', () => {
    const header = signWebhook(secret, 1000, body);
    const at = { nowSeconds: 1010, toleranceSeconds: 300 };
    expect(verifyWebhookSignature(secret, header, body, at)).toBe(true);
    expect(verifyWebhookSignature('whsec_other', header, body, at)).toBe(false);
    expect(verifyWebhookSignature(secret, header, `${body} `, at)).toBe(false);
    expect(verifyWebhookSignature(secret, header, body, { nowSeconds: 1301, toleranceSeconds: 300 })).toBe(false);
    expect(verifyWebhookSignature(secret, header.replace('t=1000', 't=1001'), body, at)).toBe(false);
    expect(verifyWebhookSignature(secret, 'v1=abc', body, at)).toBe(false);
  });
});

describe('webhook retries', () => {
  it('wait 10 s after the first failure, doubling, and stop after 10 attempts', () => {
    const at = new Date('2030-01-01T00:00:00.000Z');
    const waits = Array.from(
      { length: WEBHOOK_MAX_ATTEMPTS - 1 },
      (_, i) => (nextWebhookAttempt(i + 1, at)?.getTime() ?? 0) - at.getTime(),
    );
    expect(waits.map((ms) => ms / 1000)).toEqual([10, 20, 40, 80, 160, 320, 640, 1280, 2560]);
    expect(nextWebhookAttempt(WEBHOOK_MAX_ATTEMPTS, at)).toBeNull();
    expect(() => nextWebhookAttempt(0, at)).toThrow(RangeError);
  });

  it('never wait more than an hour, and keep an hour-long outage within the attempts', () => {
    const at = new Date(0);
    for (let n = 1; n < WEBHOOK_MAX_ATTEMPTS; n++)
      expect((nextWebhookAttempt(n, at)?.getTime() ?? 0) - at.getTime()).toBeLessThanOrEqual(3_600_000);
    const total = Array.from({ length: WEBHOOK_MAX_ATTEMPTS - 1 }, (_, i) => nextWebhookAttempt(i + 1, at)?.getTime() ?? 0).reduce(
      (a, b) => a + b,
      0,
    );
    expect(total).toBeGreaterThan(3_600_000);
  });
});
