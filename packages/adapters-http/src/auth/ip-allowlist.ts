import { BlockList, isIP } from 'node:net';
import { normaliseIp } from './client-ip.js';

export type IpAllowlist = (ip: string) => boolean;

/**
 * ADMIN_IP_ALLOWLIST: IPs and CIDRs, IPv4 and IPv6. An empty list allows every address
 * (API.md: "unset: any address"). An entry that is neither an address nor a CIDR is a
 * configuration error, raised at start-up rather than silently ignored.
 */
export function ipAllowlist(entries: readonly string[]): IpAllowlist {
  const cleaned = entries.map((e) => e.trim()).filter((e) => e.length > 0);
  if (cleaned.length === 0) return () => true;
  const list = new BlockList();
  for (const entry of cleaned) {
    const [address = '', prefix, extra] = entry.split('/');
    const family = isIP(address);
    if (family === 0 || extra !== undefined) throw new Error(`ADMIN_IP_ALLOWLIST: "${entry}" is not an IP or CIDR`);
    const type = family === 4 ? 'ipv4' : 'ipv6';
    if (prefix === undefined) {
      list.addAddress(normaliseIp(address), type);
      continue;
    }
    const bits = Number(prefix);
    if (!/^\d{1,3}$/.test(prefix) || bits > (family === 4 ? 32 : 128)) {
      throw new Error(`ADMIN_IP_ALLOWLIST: "${entry}" has an invalid prefix length`);
    }
    list.addSubnet(address, bits, type);
  }
  return (ip) => {
    const address = normaliseIp(ip);
    const family = isIP(address);
    if (family === 0) return false;
    return list.check(address, family === 4 ? 'ipv4' : 'ipv6');
  };
}
