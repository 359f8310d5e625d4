import type { FastifyRequest } from 'fastify';
import { canonicalIp, perAddressKey } from './ip-address.js';

/**
 * TRUST_PROXY (API.md, *Settings*): `false`, no proxy, the socket address is the client; a
 * number, that many proxies in front, each appending to X-Forwarded-For; or the proxies' IPs
 * and CIDRs. "Trust every hop" does not exist: it would make the left-most entry, which the
 * client writes, the client's address.
 */
export type TrustProxy = false | number | readonly string[];

/**
 * Fastify's `trustProxy` for it. A list goes to @fastify/proxy-addr as it is. A hop count goes
 * as a trust function, because Fastify ≥ 5.12.1 ignores a numeric `trustProxy` (it cannot check
 * the peer's address): with a count, the operator vouches that only the proxies can reach the
 * service, and the README says so.
 */
export function fastifyTrustProxy(trust: TrustProxy): false | string[] | ((address: string, hop: number) => boolean) {
  if (trust === false) return false;
  if (typeof trust === 'number') return (_address: string, hop: number) => hop < trust;
  return [...trust];
}

/**
 * The client's address (canonical, see ip-address.ts), for allow-lists. Fastify walks the chain
 * from the socket through X-Forwarded-For right to left while each hop is a trusted proxy
 * (`request.ips`, ending at the first untrusted entry); the client is the last entry of that
 * walk, but an entry that is not an IP address is never used: the walk stops before it, at the
 * address of the hop that passed it on.
 */
export function clientIp(request: FastifyRequest): string {
  const chain = request.ips ?? [request.ip];
  let client = canonicalIp(chain[0]) ?? '';
  for (const entry of chain.slice(1)) {
    const address = canonicalIp(entry);
    if (address === null) break;
    client = address;
  }
  return client;
}

/** What per-address limits count for this request: its client, IPv6 by its /64. */
export function clientKey(request: FastifyRequest): string {
  return perAddressKey(clientIp(request));
}
