// The part of a client address a per-IP limit should count. One IPv6 host
// usually holds a whole /64 and can rotate through 2^64 addresses, so IPv6 is
// counted per /64; IPv4-mapped IPv6 (::ffff:a.b.c.d, as dual-stack sockets
// report IPv4 clients) is counted as the IPv4 address it is. networkKey() is
// coarser: the network a client is in (IPv4 /24, IPv6 /64), for budgets that
// are shared per network rather than per address.
import { isIPv4, isIPv6 } from 'node:net';

export function ipKey(address: string): string {
  const ip = address.replace(/%.*$/, '').toLowerCase(); // drop a zone id (fe80::1%eth0)
  if (isIPv4(ip) || !isIPv6(ip)) return ip;
  const groups = expandIpv6(ip);
  const isMapped = groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff;
  if (isMapped) return [groups[6]! >> 8, groups[6]! & 0xff, groups[7]! >> 8, groups[7]! & 0xff].join('.');
  return `${groups
    .slice(0, 4)
    .map((g) => g.toString(16))
    .join(':')}::/64`;
}

/** The client's network: `a.b.c.0/24` for IPv4 (mapped IPv6 included), the /64 for IPv6. */
export function networkKey(address: string): string {
  const key = ipKey(address);
  if (!isIPv4(key)) return key;
  return `${key.slice(0, key.lastIndexOf('.'))}.0/24`;
}

/** Eight 16-bit groups of a valid IPv6 address (`::` and a dotted IPv4 tail expanded). */
function expandIpv6(ip: string): number[] {
  const parse = (part: string): number[] => {
    if (part === '') return [];
    return part.split(':').flatMap((group) => {
      if (!group.includes('.')) return [Number.parseInt(group, 16)];
      const [a, b, c, d] = group.split('.').map(Number) as [number, number, number, number];
      return [(a << 8) | b, (c << 8) | d];
    });
  };
  const [head = '', tail] = ip.split('::');
  if (tail === undefined) return parse(head);
  const left = parse(head);
  const right = parse(tail);
  return [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
}
