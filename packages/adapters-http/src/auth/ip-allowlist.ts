import { BlockList, isIP } from 'node:net';
import { canonicalIp } from './ip-address.js';

export type IpAllowlist = (ip: string) => boolean;

/** An address or a CIDR, as allow-lists and TRUST_PROXY take them. */
export interface IpRange {
  readonly address: string;
  readonly family: 'ipv4' | 'ipv6';
  /** The prefix length, or undefined for a single address. */
  readonly bits: number | undefined;
}

/** `10.0.0.0/8`, `2001:db8::/32` or one address; null for anything else. */
export function ipRange(entry: string): IpRange | null {
  const [address = '', prefix, extra] = entry.trim().split('/');
  const version = isIP(address);
  if (version === 0 || extra !== undefined) return null;
  const family = version === 4 ? 'ipv4' : 'ipv6';
  if (prefix === undefined) return { address, family, bits: undefined };
  const bits = Number(prefix);
  if (!/^\d{1,3}$/.test(prefix) || bits > (version === 4 ? 32 : 128)) return null;
  return { address, family, bits };
}

/**
 * ADMIN_IP_ALLOWLIST: IPs and CIDRs, IPv4 and IPv6. An empty list allows every address
 * (API.md: "unset: any address"). An entry that is neither an address nor a CIDR is a
 * configuration error, raised at start-up rather than silently ignored; `setting` names the
 * variable in that message (METRICS_IP_ALLOWLIST uses the same parser).
 */
export function ipAllowlist(entries: readonly string[], setting = 'ADMIN_IP_ALLOWLIST'): IpAllowlist {
  const cleaned = entries.map((e) => e.trim()).filter((e) => e.length > 0);
  if (cleaned.length === 0) return () => true;
  const list = new BlockList();
  for (const entry of cleaned) {
    const range = ipRange(entry);
    if (range === null) throw new Error(`${setting}: "${entry}" is not an IP or CIDR`);
    if (range.bits === undefined) {
      const address = canonicalIp(range.address) ?? range.address;
      list.addAddress(address, isIP(address) === 4 ? 'ipv4' : 'ipv6');
    } else list.addSubnet(range.address, range.bits, range.family);
  }
  return (ip) => {
    const address = canonicalIp(ip);
    if (address === null) return false;
    return list.check(address, isIP(address) === 4 ? 'ipv4' : 'ipv6');
  };
}
