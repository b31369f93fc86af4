// The lab's address plan. Only documentation ranges (RFC 5737, RFC 3849), so lab traffic can never
// be mistaken for, or routed to, a real network:
//
//   LAN      192.0.2.0/24     2001:db8:1::/64   clients c1, c2, … and the router's LAN side
//   server   198.51.100.0/24  2001:db8:2::/64   servers s1, s2, … and the router's server side
//   public   203.0.113.0/24   2001:db8:3::/64   the DNAT service address the router forwards
//
// Host i (1-based) of a segment gets .(9+i) and ::(9+i) written in decimal (c1 = 192.0.2.10 and
// 2001:db8:1::10), the router .1 and ::1 on both sides, so addresses are easy to type.
import { joinHostPort } from '@p2pwall/core';

export type Family = 4 | 6;

export interface Segment {
  v4: string;
  v6: string;
  prefix4: number;
  prefix6: number;
}

export const LAN: Segment = { v4: '192.0.2.0', v6: '2001:db8:1::', prefix4: 24, prefix6: 64 };
export const SERVER_SIDE: Segment = {
  v4: '198.51.100.0',
  v6: '2001:db8:2::',
  prefix4: 24,
  prefix6: 64,
};
export const PUBLIC: Segment = { v4: '203.0.113.0', v6: '2001:db8:3::', prefix4: 24, prefix6: 64 };

/** Most hosts per side: keeps host addresses below .255 and names short. */
export const MAX_HOSTS_PER_SIDE = 50;

export interface HostAddress {
  ipv4: string;
  ipv6: string;
}

function v4Base(seg: Segment): string {
  return seg.v4.slice(0, seg.v4.lastIndexOf('.') + 1);
}

/** Address of the n-th interface number `n` (1 = router) in a segment. */
export function segmentAddress(seg: Segment, n: number): HostAddress {
  if (!Number.isInteger(n) || n < 1 || n > 254)
    throw new RangeError(`host number ${n} outside 1..254`);
  return { ipv4: `${v4Base(seg)}${n}`, ipv6: `${seg.v6}${n}` };
}

/** The i-th (1-based) host on a side. */
export function hostAddress(seg: Segment, i: number): HostAddress {
  if (!Number.isInteger(i) || i < 1 || i > MAX_HOSTS_PER_SIDE) {
    throw new RangeError(`host index ${i} outside 1..${MAX_HOSTS_PER_SIDE}`);
  }
  return segmentAddress(seg, 9 + i);
}

export function routerAddress(seg: Segment): HostAddress {
  return segmentAddress(seg, 1);
}

export function cidr(seg: Segment, family: Family): string {
  return family === 4 ? `${seg.v4}/${seg.prefix4}` : `${seg.v6}/${seg.prefix6}`;
}

/** `addr:port` for IPv4, `[addr]:port` for IPv6 (URLs, tracker announces, curl). */
export function hostPort(address: string, port: number): string {
  return joinHostPort(address, port);
}
