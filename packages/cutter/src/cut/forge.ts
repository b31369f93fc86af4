// The packets a cut sends, all without TCP options (RSTs are exempt from PAWS; probes without a
// timestamp skip the PAWS check): RST|ACK with an endpoint's RCV.NXT, a SYN that draws a challenge
// ACK, a bare ACK, and the "old byte" probe — one byte of data whose sequence number lies 2^30
// below the receive window. The old-byte probe is answered by an immediate duplicate ACK (data
// segments are exempt from the 500 ms out-of-window ACK rate limit), conntrack ≥ 6.1 ignores it
// instead of calling it invalid, and it can never be taken as new data.
import {
  addressBytes,
  bareTcpLength,
  parseIp,
  rstAckPacket,
  TCP_ACK,
  TCP_SYN,
  writeBareTcp,
} from '@p2pwall/core';

/** Where a forged packet goes: the addresses the real peer would use. */
export interface Reach {
  src: string;
  sport: number;
  dst: string;
  dport: number;
  /** `src` and `dst` as bytes, so that forging a packet parses no text (see reachTo). */
  srcIp?: Uint8Array;
  dstIp?: Uint8Array;
}

/** A Reach with its addresses parsed once. */
export function reachTo(src: string, sport: number, dst: string, dport: number): Reach {
  const srcIp = parseIp(src);
  const dstIp = parseIp(dst);
  if (!srcIp || !dstIp) throw new RangeError(`bad flow ${src} -> ${dst}`);
  return { src, sport, dst, dport, srcIp, dstIp };
}

/** How far below the receive window old-byte probes sit. */
export const OLD_BYTE_DISTANCE = 0x40000000;
const OLD_BYTE = new Uint8Array([0]);

/** A bare segment along `r` (core's writeBareTcp: TTL 64, no options, nothing else allocated). */
function build(
  r: Reach,
  seq: number,
  ack: number,
  flags: number,
  window: number,
  payload: Uint8Array | null,
): Buffer {
  // reachTo parsed the addresses once; a Reach made by hand is parsed here
  const src = addressBytes(r.srcIp ?? r.src);
  const dst = addressBytes(r.dstIp ?? r.dst);
  const out = Buffer.allocUnsafe(
    bareTcpLength(src.length === 16 ? 16 : 4, payload === null ? 0 : payload.length),
  );
  writeBareTcp(out, 0, src, dst, r.sport, r.dport, seq, ack, flags, window, payload);
  return out;
}

/** The RST an end accepts: `seq` its RCV.NXT (core's rstAckPacket, shared with rope run's cut). */
export function rstAck(r: Reach, seq: number, ack: number): Buffer {
  return rstAckPacket(
    { src: r.srcIp ?? r.src, srcPort: r.sport, dst: r.dstIp ?? r.dst, dstPort: r.dport },
    seq,
    ack,
  );
}

export function synProbe(r: Reach, seq: number): Buffer {
  return build(r, seq, 0, TCP_SYN, 65535, null);
}

export function ackProbe(r: Reach, seq: number, ack: number): Buffer {
  return build(r, seq, ack, TCP_ACK, 65535, null);
}

/** One byte far below `rcvNxt` (the receiver's, or an estimate of it from the sender's SND.NXT). */
export function oldByteProbe(r: Reach, rcvNxt: number, ack: number, window = 65535): Buffer {
  return build(r, rcvNxt - OLD_BYTE_DISTANCE, ack, TCP_ACK, window, OLD_BYTE);
}
