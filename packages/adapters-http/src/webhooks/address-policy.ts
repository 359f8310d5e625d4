import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import type { WebhookAddressPolicy } from '@fairdraw/application';

/** Every address a name resolves to; injected by tests to play DNS (or swap an answer). */
export type Resolve = (hostname: string) => Promise<string[]>;

const systemResolve: Resolve = async (hostname) => (await lookup(hostname, { all: true, verbatim: true })).map((answer) => answer.address);

/**
 * Where a webhook must never point (SSRF): loopback, private, link-local, unspecified,
 * carrier-grade NAT, benchmarking, multicast and reserved ranges. BlockList also matches an
 * IPv4-mapped IPv6 address (::ffff:127.0.0.1) against the IPv4 rules.
 */
const PRIVATE = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  PRIVATE.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  PRIVATE.addSubnet(network, prefix, 'ipv6');
}

export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return true; // not an address at all: never connect to it
  return PRIVATE.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/** The host of a URL as an address or a name: `[::1]` loses its brackets. */
export const hostOf = (url: URL): string => url.hostname.replace(/^\[(.*)\]$/, '$1');

export interface AddressRule {
  /** WEBHOOK_ALLOW_PRIVATE: tests and private networks only. */
  readonly allowPrivate: boolean;
  readonly resolve?: Resolve | undefined;
}

/**
 * The addresses a host may be reached at under the rule: all of them, or a refusal naming the
 * first private one. A name is resolved and every answer checked, so one private answer among
 * public ones is refused too.
 */
export async function addressesFor(host: string, rule: AddressRule): Promise<{ addresses: string[] } | { refusal: string }> {
  let addresses: string[];
  if (isIP(host) !== 0) addresses = [host];
  else {
    try {
      addresses = await (rule.resolve ?? systemResolve)(host);
    } catch (error) {
      return { refusal: `${host} does not resolve (${error instanceof Error ? error.message : String(error)})` };
    }
    if (addresses.length === 0) return { refusal: `${host} does not resolve` };
  }
  if (!rule.allowPrivate) {
    const inside = addresses.find(isPrivateAddress);
    if (inside !== undefined) {
      const via = inside === host ? '' : ` (${host} resolves to it)`;
      return { refusal: `${inside} is a loopback, private, link-local or unspecified address${via}; webhooks may not be sent there` };
    }
  }
  return { addresses };
}

/** The check at registration; each delivery makes it again as it connects (transport.ts). */
export function webhookAddressPolicy(rule: AddressRule): WebhookAddressPolicy {
  return {
    async refusal(url) {
      const parsed = new URL(url);
      if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return 'the url must be http:// or https://';
      const found = await addressesFor(hostOf(parsed), rule);
      return 'refusal' in found ? found.refusal : null;
    },
  };
}
