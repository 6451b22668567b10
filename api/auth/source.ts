/**
 * The source address a login is throttled by (./lockout.ts): the TCP peer of
 * the request, which a client cannot choose the way it chooses a header.
 *
 * One IPv6 subscriber usually holds a whole /64 (RFC 6177) and can change the
 * rest at will, so an IPv6 source is its /64; an IPv4-mapped IPv6 address is the
 * IPv4 address it maps. A request with no socket (in-process tests) is
 * `unknown`, one shared source.
 *
 * Behind a load balancer the peer is the balancer, and every client shares its
 * address: the per-source ceiling then throttles everyone together. Taking the
 * client address from X-Forwarded-For needs a configured list of trusted
 * proxies, which is not built (SECURITY.md "Login throttling").
 */
import { isIPv4, isIPv6 } from 'node:net';

export function sourceOf(env: unknown): string {
  const address = (env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)
    ?.incoming?.socket?.remoteAddress;
  return address === undefined ? 'unknown' : sourceOfAddress(address);
}

export function sourceOfAddress(address: string): string {
  const a = address.replace(/%.*$/, '').toLowerCase();
  if (isIPv4(a)) return a;
  if (!isIPv6(a)) return 'unknown';
  const groups = expandIPv6(a);
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff)
    return [groups[6]! >> 8, groups[6]! & 255, groups[7]! >> 8, groups[7]! & 255].join('.');
  return `${groups
    .slice(0, 4)
    .map((g) => g.toString(16))
    .join(':')}::/64`;
}

/** The eight 16-bit groups of a valid IPv6 address (with `::` and a dotted IPv4 tail). */
function expandIPv6(a: string): number[] {
  let text = a;
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (v4) {
    const [b0, b1, b2, b3] = v4.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, v4.index)}${((b0 << 8) | b1).toString(16)}:${((b2 << 8) | b3).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const parse = (s: string) => (s === '' ? [] : s.split(':').map((g) => Number.parseInt(g, 16)));
  const h = parse(head);
  const t = tail === undefined ? [] : parse(tail);
  return [...h, ...Array<number>(8 - h.length - t.length).fill(0), ...t];
}
