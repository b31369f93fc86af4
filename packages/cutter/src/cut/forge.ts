// The packets a cut sends, all without TCP options (RSTs are exempt from PAWS; probes without a
// timestamp skip the PAWS check): RST|ACK with an endpoint's RCV.NXT, a SYN that draws a challenge
// ACK, a bare ACK, and the "old byte" probe — one byte of data whose sequence number lies 2^30
// below the receive window. The old-byte probe is answered by an immediate duplicate ACK (data
// segments are exempt from the 500 ms out-of-window ACK rate limit), conntrack ≥ 6.1 ignores it
// instead of calling it invalid, and it can never be taken as new data.
import {
  parseIp,
  rstAckPacket,
  TCP_ACK,
  TCP_SYN,
  tcpPacketLength,
  writeTcpPacket,
  type TcpSpec,
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

function build(r: Reach, spec: Omit<TcpSpec, 'src' | 'dst' | 'srcPort' | 'dstPort'>): Buffer {
  const full: TcpSpec = {
    src: r.srcIp ?? r.src,
    dst: r.dstIp ?? r.dst,
    srcPort: r.sport,
    dstPort: r.dport,
    ttl: 64,
    ...spec,
  };
  const out = Buffer.allocUnsafe(tcpPacketLength(full));
  writeTcpPacket(full, out, 0);
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
  return build(r, { seq: seq >>> 0, ack: 0, flags: TCP_SYN, window: 65535 });
}

export function ackProbe(r: Reach, seq: number, ack: number): Buffer {
  return build(r, { seq: seq >>> 0, ack: ack >>> 0, flags: TCP_ACK, window: 65535 });
}

/** One byte far below `rcvNxt` (the receiver's, or an estimate of it from the sender's SND.NXT). */
export function oldByteProbe(r: Reach, rcvNxt: number, ack: number, window = 65535): Buffer {
  return build(r, {
    seq: (rcvNxt - OLD_BYTE_DISTANCE) >>> 0,
    ack: ack >>> 0,
    flags: TCP_ACK,
    window,
    payload: OLD_BYTE,
  });
}
