import { isIPv4, isIPv6 } from 'node:net';

/**
 * One spelling per address, so that limits and allow-lists cannot be dodged by writing the same
 * address another way: IPv4 as dotted quad, an IPv4-mapped IPv6 address (`::ffff:10.0.0.1`,
 * `::ffff:a00:1`) as that IPv4 address, IPv6 in RFC 5952's compressed lower-case form, zone
 * dropped. Anything else (a host name, `anything-at-all`, an address with a port) is not an
 * address: null.
 */
export function canonicalIp(text: string | undefined): string | null {
  const trimmed = text?.trim() ?? '';
  if (isIPv4(trimmed)) return trimmed;
  if (!isIPv6(trimmed)) return null;
  const groups = hextets(trimmed);
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) return ipv4Of(groups[6] ?? 0, groups[7] ?? 0);
  return compressed(groups);
}

/**
 * What per-address limits count (API.md, *Client IP*): an IPv4 address itself, an IPv6 address
 * by its /64, since one subscriber usually holds a whole /64 and could otherwise take a fresh
 * address for every request. Expects a canonical address.
 */
export function perAddressKey(ip: string): string {
  if (!isIPv6(ip)) return ip;
  return `${compressed([...hextets(ip).slice(0, 4), 0, 0, 0, 0])}/64`;
}

/** The eight 16-bit groups of a valid IPv6 address. */
function hextets(address: string): number[] {
  let text = address.split('%')[0] ?? '';
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const zeros = tail === undefined ? [] : Array<string>(8 - left.length - right.length).fill('0');
  return [...left, ...zeros, ...right].map((group) => Number.parseInt(group, 16));
}

const ipv4Of = (high: number, low: number) => [high >> 8, high & 0xff, low >> 8, low & 0xff].join('.');

/** RFC 5952: the longest run of two or more zero groups (the first of equals) becomes `::`. */
function compressed(groups: readonly number[]): string {
  let best = { start: -1, length: 0 };
  for (let start = 0; start < groups.length; ) {
    let end = start;
    while (end < groups.length && groups[end] === 0) end++;
    if (end - start > best.length) best = { start, length: end - start };
    start = end === start ? start + 1 : end;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best.length < 2) return hex.join(':');
  return `${hex.slice(0, best.start).join(':')}::${hex.slice(best.start + best.length).join(':')}`;
}
