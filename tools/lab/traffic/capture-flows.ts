// The payload streams of a capture's TCP and UDP flows, in order, for replaying them over real
// sockets: who started each flow, which ports it used, and what each side sent. TCP payload is
// taken by sequence number (retransmitted bytes once, overlaps trimmed); UDP keeps datagrams.
import { forEachPacket, openCapture } from '@p2pwall/core/pcap';
import { formatIp, IPPROTO_TCP, IPPROTO_UDP, Packet, TCP_ACK, TCP_SYN } from '@p2pwall/core';

export type Direction = 'i2r' | 'r2i';

export interface FlowSegment {
  /** i2r: sent by the initiator; r2i: by the responder. */
  dir: Direction;
  data: Buffer;
}

export interface CaptureFlow {
  /** 1-based, in order of each flow's first packet. */
  index: number;
  proto: 'tcp' | 'udp';
  initiator: { address: string; port: number };
  responder: { address: string; port: number };
  /** Consecutive same-direction TCP bytes are merged; UDP segments are datagrams. */
  segments: FlowSegment[];
  /** Payload bytes each way. */
  bytes: Record<Direction, number>;
  /** TCP bytes the capture is missing (sequence gaps), each way. */
  gaps: number;
  /** Index of the first packet in the capture. */
  firstPacket: number;
}

export interface ExtractOptions {
  /** Keep flows whose destination is multicast or broadcast (default false: they have no peer). */
  multicast?: boolean;
  /** Keep flows without payload (default false). */
  empty?: boolean;
}

function isGroupAddress(a: string): boolean {
  if (a.includes(':')) return a.toLowerCase().startsWith('ff');
  const first = Number(a.split('.')[0]);
  return first >= 224 || a === '255.255.255.255' || a.endsWith('.255');
}

interface Building extends CaptureFlow {
  /** Next expected TCP sequence number per direction (uint32), or -1 before the first. */
  next: Record<Direction, number>;
}

/** Reads `path` and returns its TCP/UDP flows with their payload streams. */
export function extractFlows(path: string, opts: ExtractOptions = {}): CaptureFlow[] {
  const reader = openCapture(path);
  const packet = new Packet();
  const flows = new Map<string, Building>();
  try {
    forEachPacket(reader, packet, (record, p, isIp) => {
      if (!isIp || !p.hasPorts || p.laterFragment) return;
      if (p.protocol !== IPPROTO_TCP && p.protocol !== IPPROTO_UDP) return;
      const src = formatIp(p.buf, p.srcOffset, p.addrLength);
      const dst = formatIp(p.buf, p.dstOffset, p.addrLength);
      const a = `${src}|${p.srcPort}`;
      const b = `${dst}|${p.dstPort}`;
      const proto = p.protocol === IPPROTO_TCP ? 'tcp' : 'udp';
      const key = `${proto} ${a < b ? `${a} ${b}` : `${b} ${a}`}`;
      let f = flows.get(key);
      const syn = proto === 'tcp' && (p.tcpFlags & (TCP_SYN | TCP_ACK)) === TCP_SYN;
      if (!f) {
        f = {
          index: flows.size + 1,
          proto,
          initiator: { address: src, port: p.srcPort },
          responder: { address: dst, port: p.dstPort },
          segments: [],
          bytes: { i2r: 0, r2i: 0 },
          gaps: 0,
          firstPacket: record.index,
          next: { i2r: -1, r2i: -1 },
        };
        flows.set(key, f);
      } else if (
        syn &&
        f.segments.length === 0 &&
        (f.initiator.address !== src || f.initiator.port !== p.srcPort)
      ) {
        // The capture began mid-flow in the other direction: the SYN names the real initiator.
        [f.initiator, f.responder] = [f.responder, f.initiator];
        f.next = { i2r: f.next.r2i, r2i: f.next.i2r };
      }
      const dir: Direction =
        f.initiator.address === src && f.initiator.port === p.srcPort ? 'i2r' : 'r2i';
      let off = p.payloadOffset;
      let len = p.payloadLength;
      if (proto === 'tcp') {
        const seq = p.tcp.seq;
        if (p.tcpFlags & TCP_SYN) {
          f.next[dir] = (seq + 1) >>> 0;
          if (len === 0) return;
        }
        if (len === 0) return;
        if (f.next[dir] >= 0) {
          const delta = (seq - f.next[dir]) | 0; // signed distance, modulo 2^32
          if (delta + len <= 0) return; // all of it seen before
          if (delta < 0) {
            off -= delta;
            len += delta;
          } else if (delta > 0) {
            f.gaps += delta;
          }
        }
        f.next[dir] = (seq + p.payloadLength) >>> 0;
      } else if (len === 0) {
        return;
      }
      const data = Buffer.from(p.buf.subarray(off, off + len));
      f.bytes[dir] += len;
      const last = f.segments[f.segments.length - 1];
      if (proto === 'tcp' && last && last.dir === dir) last.data = Buffer.concat([last.data, data]);
      else f.segments.push({ dir, data });
    });
  } finally {
    reader.close();
  }
  return [...flows.values()]
    .filter((f) => opts.multicast || !isGroupAddress(f.responder.address))
    .filter((f) => opts.empty || f.segments.length > 0)
    .map(({ next: _next, ...f }) => f);
}

/** The address that takes part in the most flows: the capturing machine. */
export function homeAddress(flows: CaptureFlow[]): string | null {
  const count = new Map<string, number>();
  for (const f of flows) {
    for (const a of [f.initiator.address, f.responder.address])
      count.set(a, (count.get(a) ?? 0) + 1);
  }
  let best: string | null = null;
  for (const [a, n] of count) if (best === null || n > (count.get(best) ?? 0)) best = a;
  return best;
}
