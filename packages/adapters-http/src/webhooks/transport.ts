import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { isIP } from 'node:net';
import type { WebhookTransport } from '@fairdraw/application';
import { type AddressRule, addressesFor, hostOf } from './address-policy.js';

/** API.md: any 2xx within 10 s is delivered. */
export const WEBHOOK_TIMEOUT_MS = 10_000;

/**
 * POSTs with node:http(s), which follows no redirects (a 3xx is just a failed attempt). The
 * socket is connected through a lookup that resolves the host, checks every answer against the
 * SSRF rule and hands the socket only a checked address, so a name that answered a public
 * address at registration and a private one now is refused, and no second resolution can
 * slip in between the check and the connection.
 */
export function webhookTransport(rule: AddressRule & { readonly timeoutMs?: number }): WebhookTransport {
  const timeoutMs = rule.timeoutMs ?? WEBHOOK_TIMEOUT_MS;
  const guardedLookup: LookupFunction = (hostname, options, callback) => {
    addressesFor(hostname, rule).then(
      (found) => {
        if ('refusal' in found) return callback(Object.assign(new Error(found.refusal), { code: 'EREFUSED' }), '', 0);
        const answers = found.addresses.map((address) => ({ address, family: isIP(address) }));
        if (options.all) return (callback as unknown as (e: null, a: typeof answers) => void)(null, answers);
        const first = answers[0] ?? { address: '', family: 4 };
        callback(null, first.address, first.family);
      },
      (error: Error) => callback(error, '', 0),
    );
  };
  return {
    async post(delivery) {
      const url = new URL(delivery.url);
      const host = hostOf(url);
      // A literal address is connected to without a lookup: check it here.
      if (isIP(host) !== 0) {
        const found = await addressesFor(host, rule);
        if ('refusal' in found) throw new Error(found.refusal);
      }
      const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
      return new Promise((resolve, reject) => {
        const req = request(
          url,
          {
            method: 'POST',
            headers: { ...delivery.headers, 'content-length': String(Buffer.byteLength(delivery.body)) },
            lookup: guardedLookup,
            agent: false,
            signal: AbortSignal.timeout(timeoutMs),
          },
          (res) => {
            // Only the status matters; the body is not read.
            resolve({ statusCode: res.statusCode ?? 0 });
            res.destroy();
          },
        );
        req.on('error', (error: Error) =>
          reject(
            error.name === 'TimeoutError' || error.name === 'AbortError' ? new Error(`no answer within ${timeoutMs / 1000} s`) : error,
          ),
        );
        req.end(delivery.body);
      });
    },
  };
}
