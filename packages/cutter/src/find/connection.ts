// A connection as cutter sees it: a conntrack entry plus what the cut needs to know about it —
// its two endpoints (each visible under two addresses when NAT rewrites one side), whether the
// machine itself is one of them, and display-ready fields.
import {
  IPPROTO,
  IPPROTO_TCP,
  joinHostPort,
  parseIp,
  parseIpInto,
  protocolName,
} from '@p2pwall/core';
import {
  IPS_DST_NAT,
  IPS_HW_OFFLOAD,
  IPS_OFFLOAD,
  IPS_SRC_NAT,
  tcpStateName,
  type ConntrackEntry,
} from '@p2pwall/core/netlink';

/** One end of a connection, under the address:port each side uses for it. */
export interface Endpoint {
  /** What the endpoint itself uses (its socket's address). */
  address: string;
  port: number;
  /** What the other end sees (differs under NAT). */
  seenAs: { address: string; port: number };
}

export interface Connection {
  /** Stable key for this entry: its CTA_ID, or the original tuple when the id is absent. */
  key: string;
  entry: ConntrackEntry;
  family: 4 | 6;
  /** "tcp", "udp", "icmp", … */
  proto: string;
  protoNum: number;
  /** TCP state name (ESTABLISHED, …) for TCP, undefined otherwise. */
  state?: string;
  /** The endpoint that opened the connection (original tuple source). */
  initiator: Endpoint;
  /** The endpoint it reached (reply tuple source: the real server after DNAT). */
  responder: Endpoint;
  nat: { snat: boolean; dnat: boolean };
  /** The machine itself is this endpoint (set by listConnections from sock_diag). */
  local?: 'initiator' | 'responder';
  mark: number;
  zone: number;
  id?: number;
  /** Why forged RSTs cannot end it (offloaded to a flowtable), or null. */
  uncuttable: string | null;
}

const PORT_PROTOCOLS = new Set([
  IPPROTO_TCP,
  IPPROTO.UDP,
  IPPROTO.UDPLITE,
  IPPROTO.SCTP,
  IPPROTO.DCCP,
]);

/** The protocol's conntrack tuples carry ports (TCP, UDP, UDP-Lite, SCTP, DCCP). */
export function hasPorts(protoNum: number): boolean {
  return PORT_PROTOCOLS.has(protoNum);
}

/**
 * A sort key of an address that orders numerically (as hex of its bytes), so 192.0.2.9 comes
 * before 192.0.2.10.
 */
export function addressOrder(address: string): string {
  const length = parseIpInto(address, ORDER_SCRATCH, 0);
  if (length === 0) return address;
  let s = '';
  for (let i = 0; i < length; i++) s += HEX_BYTE[ORDER_SCRATCH[i]];
  return s;
}

// a listing sorts every entry it matched: no array per address, no toString per byte
const ORDER_SCRATCH = new Uint8Array(16);
const HEX_BYTE = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

export function toConnection(e: ConntrackEntry): Connection {
  const status = e.status ?? 0;
  const tcp = e.orig.proto === IPPROTO_TCP;
  let uncuttable: string | null = null;
  if (status & (IPS_OFFLOAD | IPS_HW_OFFLOAD))
    uncuttable =
      'offloaded to a flowtable: its packets bypass the firewall, so they cannot be watched';
  return {
    key:
      e.id !== undefined
        ? `id:${e.id}`
        : `t:${e.orig.proto}:${e.orig.src}:${e.orig.srcPort}:${e.orig.dst}:${e.orig.dstPort}:${e.zone ?? 0}`,
    entry: e,
    family: e.orig.src.includes(':') ? 6 : 4,
    proto: protocolName(e.orig.proto),
    protoNum: e.orig.proto,
    ...(tcp && e.protoinfo?.tcp ? { state: tcpStateName(e.protoinfo.tcp.state) } : {}),
    // the initiator sends the original tuple; the responder is whom the reply tuple comes from
    initiator: {
      address: e.orig.src,
      port: e.orig.srcPort ?? 0,
      seenAs: { address: e.reply.dst, port: e.reply.dstPort ?? 0 },
    },
    responder: {
      address: e.reply.src,
      port: e.reply.srcPort ?? 0,
      seenAs: { address: e.orig.dst, port: e.orig.dstPort ?? 0 },
    },
    nat: { snat: (status & IPS_SRC_NAT) !== 0, dnat: (status & IPS_DST_NAT) !== 0 },
    mark: e.mark ?? 0,
    zone: e.zone ?? 0,
    ...(e.id !== undefined ? { id: e.id } : {}),
    uncuttable,
  };
}

/** "192.0.2.10:40000" / "[2001:db8::1]:80" */
export function formatEndpoint(address: string, port: number): string {
  return joinHostPort(address, port);
}

/** One line for text output: "tcp ESTABLISHED 192.0.2.10:40000 -> 198.51.100.10:80 (SNAT as 198.51.100.1:40000)". */
export function describeConnection(c: Connection): string {
  const a = formatEndpoint(c.initiator.address, c.initiator.port);
  const b = formatEndpoint(c.responder.seenAs.address, c.responder.seenAs.port);
  const nat: string[] = [];
  if (c.nat.snat)
    nat.push(`SNAT as ${formatEndpoint(c.initiator.seenAs.address, c.initiator.seenAs.port)}`);
  if (c.nat.dnat) nat.push(`DNAT to ${formatEndpoint(c.responder.address, c.responder.port)}`);
  const local = c.local ? ` [local ${c.local}]` : '';
  return `${c.proto}${c.state ? ` ${c.state}` : ''} ${a} -> ${b}${nat.length ? ` (${nat.join(', ')})` : ''}${c.mark ? ` mark=${c.mark}` : ''}${local}`;
}
