// Which connections a command is about: the historical `IP [PORT [IP2 [PORT2]]]` pair of endpoints
// (each address may be a CIDR prefix; port 0 or absent = any) plus --port, --proto, --state,
// --mark, family and zone. An endpoint matches under either of its addresses, so a user may name a
// client by its LAN address or by the address NAT gave it.
import { protocolName } from '@p2pwall/core';
import type { DumpFilter } from '@p2pwall/core/netlink';
import { addressMatches, type AddressMatch } from './address-match.js';
import type { Connection, Endpoint } from './connection.js';

export interface PortRange {
  from: number;
  to: number;
}

export interface ConnectionFilter {
  /** One end lies here … */
  host?: AddressMatch;
  /** … on this port (0 or undefined: any). */
  hostPort?: number;
  /** The other end lies here … */
  peer?: AddressMatch;
  /** … on this port (0 or undefined: any). */
  peerPort?: number;
  /** Either end's port is in one of these ranges. */
  ports?: PortRange[];
  /** IP protocol numbers. */
  protocols?: number[];
  /** TCP states (conntrack names, e.g. ESTABLISHED); entries of other protocols do not match. */
  states?: string[];
  /** (connmark & mask) == value. */
  mark?: { value: number; mask: number };
  family?: 4 | 6;
  zone?: number;
}

// The matching below runs once per conntrack entry of a listing (thousands on a busy gateway),
// so it walks the endpoint's two views and the ranges in place, allocating nothing.

/** Whether the view `a`:`p` of an endpoint lies at `addr` (any when absent) and `port` (0: any). */
function viewMatches(
  a: string,
  p: number,
  addr: AddressMatch | undefined,
  port: number | undefined,
): boolean {
  return (!addr || addressMatches(addr, a)) && (!port || p === port);
}

function endpointMatches(
  e: Endpoint,
  addr: AddressMatch | undefined,
  port: number | undefined,
): boolean {
  return (
    viewMatches(e.address, e.port, addr, port) ||
    viewMatches(e.seenAs.address, e.seenAs.port, addr, port)
  );
}

function inRanges(port: number, ranges: PortRange[]): boolean {
  for (const r of ranges) if (port >= r.from && port <= r.to) return true;
  return false;
}

/** Whether either view of either end of `c` has a port in `ranges`. */
function anyPortInRanges(c: Connection, ranges: PortRange[]): boolean {
  return (
    inRanges(c.initiator.port, ranges) ||
    inRanges(c.initiator.seenAs.port, ranges) ||
    inRanges(c.responder.port, ranges) ||
    inRanges(c.responder.seenAs.port, ranges)
  );
}

function pairMatches(x: Endpoint, y: Endpoint, f: ConnectionFilter, peerSet: boolean): boolean {
  return (
    endpointMatches(x, f.host, f.hostPort) && (!peerSet || endpointMatches(y, f.peer, f.peerPort))
  );
}

export function matchesFilter(c: Connection, f: ConnectionFilter): boolean {
  if (f.family && c.family !== f.family) return false;
  if (f.zone !== undefined && c.zone !== f.zone) return false;
  if (f.protocols && !f.protocols.includes(c.protoNum)) return false;
  if (f.states && (!c.state || !f.states.includes(c.state))) return false;
  // as the kernel compares: (ct mark & mask) == value
  if (f.mark && (c.mark & f.mark.mask) >>> 0 !== f.mark.value >>> 0) return false;
  if (f.ports && !anyPortInRanges(c, f.ports)) return false;
  const hostSet = f.host !== undefined || !!f.hostPort;
  const peerSet = f.peer !== undefined || !!f.peerPort;
  if (!hostSet && !peerSet) return true;
  return (
    pairMatches(c.initiator, c.responder, f, peerSet) ||
    pairMatches(c.responder, c.initiator, f, peerSet)
  );
}

/**
 * True when the filter names something: an address or prefix, a port, a state, a mark or a zone.
 * A protocol or family alone still covers nearly every connection, so it does not count: a cut
 * without --all needs one of these (a destructive command never defaults to everything).
 */
export function namesSomething(f: ConnectionFilter): boolean {
  return (
    f.host !== undefined ||
    f.peer !== undefined ||
    !!f.hostPort ||
    !!f.peerPort ||
    (f.ports?.length ?? 0) > 0 ||
    (f.states?.length ?? 0) > 0 ||
    f.mark !== undefined ||
    f.zone !== undefined
  );
}

/** The part of a filter the kernel can apply while dumping (the rest is matched here). */
export function kernelFilter(f: ConnectionFilter): { family: 4 | 6 | 'all'; filter: DumpFilter } {
  const filter: DumpFilter = {};
  if (f.mark) filter.mark = { value: f.mark.value, mask: f.mark.mask };
  if (f.zone !== undefined) filter.zone = f.zone;
  // a protocol match needs CTA_FILTER, which needs one family
  if (f.family && f.protocols?.length === 1) filter.orig = { proto: f.protocols[0] };
  return { family: f.family ?? 'all', filter };
}

/** Short human text of a filter, for "nothing matched …" messages. */
export function describeFilter(f: ConnectionFilter): string {
  const parts: string[] = [];
  if (f.host) parts.push(`${f.host.text}${f.hostPort ? ` port ${f.hostPort}` : ''}`);
  else if (f.hostPort) parts.push(`port ${f.hostPort}`);
  if (f.peer || f.peerPort)
    parts.push(`with ${f.peer?.text ?? 'any'}${f.peerPort ? ` port ${f.peerPort}` : ''}`);
  if (f.ports)
    parts.push(
      `port ${f.ports.map((r) => (r.from === r.to ? r.from : `${r.from}-${r.to}`)).join(',')}`,
    );
  if (f.protocols) parts.push(`proto ${f.protocols.map(protocolName).join(',')}`);
  if (f.states) parts.push(`state ${f.states.join(',')}`);
  if (f.mark) parts.push(`mark ${f.mark.value}/0x${f.mark.mask.toString(16)}`);
  if (f.family) parts.push(`IPv${f.family}`);
  if (f.zone !== undefined) parts.push(`zone ${f.zone}`);
  return parts.length ? parts.join(', ') : 'any connection';
}
