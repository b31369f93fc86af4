// Conntrack entries as the kernel reports them, turned into cutter Connections, for the
// interactive view's unit and component tests.
import {
  IPS_ASSURED,
  IPS_CONFIRMED,
  IPS_DST_NAT,
  IPS_SEEN_REPLY,
  IPS_SRC_NAT,
  type ConntrackEntry,
} from '@p2pwall/core/netlink';
import { toConnection, type Connection } from '../../packages/cutter/src/find/connection.js';

export interface SampleOptions {
  id?: number;
  proto?: number;
  /** TCP state number (3 ESTABLISHED, 7 TIME_WAIT, …). */
  state?: number;
  /** MASQUERADE: the initiator is seen as this address:port. */
  snat?: [string, number];
  /** DNAT: the responder really is this address:port. */
  dnat?: [string, number];
  mark?: number;
  timeout?: number;
  counters?: { bytes: number; packets: number };
  /** ms since the epoch (conntrack timestamps on). */
  start?: number;
  local?: 'initiator' | 'responder';
}

/** A connection from src:sport to dst:dport. */
export function sample(
  src: string,
  sport: number,
  dst: string,
  dport: number,
  o: SampleOptions = {},
): Connection {
  const proto = o.proto ?? 6;
  const [rsrc, rsport] = o.dnat ?? [dst, dport];
  const [rdst, rdport] = o.snat ?? [src, sport];
  const e: ConntrackEntry = {
    family: src.includes(':') ? 10 : 2,
    orig: { src, dst, proto, srcPort: sport, dstPort: dport },
    reply: { src: rsrc, dst: rdst, proto, srcPort: rsport, dstPort: rdport },
    status:
      IPS_SEEN_REPLY |
      IPS_ASSURED |
      IPS_CONFIRMED |
      (o.snat ? IPS_SRC_NAT : 0) |
      (o.dnat ? IPS_DST_NAT : 0),
    mark: o.mark ?? 0,
    ...(o.id !== undefined ? { id: o.id } : {}),
    ...(proto === 6 ? { protoinfo: { tcp: { state: o.state ?? 3 } } } : {}),
    ...(o.timeout !== undefined ? { timeout: o.timeout } : {}),
    ...(o.counters
      ? {
          countersOrig: {
            bytes: BigInt(Math.floor(o.counters.bytes / 2)),
            packets: BigInt(Math.floor(o.counters.packets / 2)),
          },
          countersReply: {
            bytes: BigInt(Math.ceil(o.counters.bytes / 2)),
            packets: BigInt(Math.ceil(o.counters.packets / 2)),
          },
        }
      : {}),
    ...(o.start !== undefined ? { timestamp: { start: BigInt(o.start) * 1_000_000n } } : {}),
  };
  const c = toConnection(e);
  if (o.local) c.local = o.local;
  return c;
}
