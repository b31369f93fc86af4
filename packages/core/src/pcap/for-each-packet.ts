// The loop `rope classify`, `rope test` and the flow table run over a capture: each record is
// located in its link layer and decoded into one caller-owned Packet, so the loop allocates nothing
// per packet.
import type { Packet } from '../wire/packet.js';
import type { CaptureReader, CaptureRecord } from './capture-reader.js';
import { ipOffset } from './link-type.js';

/**
 * Called for every record. `isIp` is true when an IP header was decoded into `packet` (its
 * addresses and protocol are valid; see `packet.fault` for how far decoding got). When false,
 * `packet` was reset to no IP (version 0): the frame carries no IPv4/IPv6 (ARP, STP…; `fault`
 * null) or its IP header is unusable (`fault` says why). Return `false` to stop early.
 */
export type PacketVisitor = (
  record: CaptureRecord,
  packet: Packet,
  isIp: boolean,
) => void | boolean;

/**
 * Reads `reader` to its end (or until `fn` returns false) and returns the number of records
 * visited. Throws the reader's CaptureError; records before it have been visited. The caller
 * keeps ownership of `reader` (and closes it).
 */
export function forEachPacket(reader: CaptureReader, packet: Packet, fn: PacketVisitor): number {
  let n = 0;
  for (let r = reader.next(); r !== null; r = reader.next()) {
    n++;
    const ip = ipOffset(r.linkType, r.buf, r.offset, r.length);
    let isIp = false;
    if (ip >= 0) isIp = packet.decode(r.buf, ip, r.offset + r.length - ip);
    // ARP, STP…: ordinary frames, not faults (decoding nothing would allocate one per frame)
    else packet.reset(r.buf, r.offset);
    if (fn(r, packet, isIp) === false) break;
  }
  return n;
}
