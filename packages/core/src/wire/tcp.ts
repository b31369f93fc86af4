// TCP header (RFC 9293): a zero-copy view, a length check, and a value with parse/emit.
import { be16, be32, putBe16, putBe32 } from '../bytes/endian.js';
import { DecodeError, malformed, truncated, type DecodeFault } from '../errors.js';
import type { Field } from './field.js';

/**
 * The fixed header's fields (RFC 9293 §3.1); the options follow, up to data offset × 4 bytes.
 * DATA_OFFSET is the high nibble of its byte, FLAGS the eight classic flag bits (CWR..FIN).
 */
export const TCP_FIELD = {
  SRC_PORT: { start: 0, end: 2 },
  DST_PORT: { start: 2, end: 4 },
  SEQ: { start: 4, end: 8 },
  ACK: { start: 8, end: 12 },
  DATA_OFFSET: { start: 12, end: 13 },
  FLAGS: { start: 13, end: 14 },
  WINDOW: { start: 14, end: 16 },
  CHECKSUM: { start: 16, end: 18 },
  URGENT_POINTER: { start: 18, end: 20 },
} as const satisfies Record<string, Field>;

const F = TCP_FIELD;

/** The fixed header: where the options begin. */
export const TCP_MIN_HEADER = F.URGENT_POINTER.end;

export const TCP_FIN = 0x01;
export const TCP_SYN = 0x02;
export const TCP_RST = 0x04;
export const TCP_PSH = 0x08;
export const TCP_ACK = 0x10;
export const TCP_URG = 0x20;
export const TCP_ECE = 0x40;
export const TCP_CWR = 0x80;

export function checkTcp(b: Uint8Array, off: number, len: number): DecodeFault | null {
  if (len < TCP_MIN_HEADER) return truncated('tcp', off, TCP_MIN_HEADER, len);
  const hl = (b[off + F.DATA_OFFSET.start] >> 4) * 4;
  if (hl < TCP_MIN_HEADER) return malformed('tcp', off, `data offset ${hl} below 20`, len);
  if (hl > len) return truncated('tcp', off, hl, len, 'data offset');
  return null;
}

export class TcpView {
  buf: Uint8Array = new Uint8Array(0);
  off = 0;

  reset(buf: Uint8Array, off: number): this {
    this.buf = buf;
    this.off = off;
    return this;
  }
  get srcPort(): number {
    return be16(this.buf, this.off + F.SRC_PORT.start);
  }
  get dstPort(): number {
    return be16(this.buf, this.off + F.DST_PORT.start);
  }
  get seq(): number {
    return be32(this.buf, this.off + F.SEQ.start);
  }
  get ack(): number {
    return be32(this.buf, this.off + F.ACK.start);
  }
  /** Data offset in 32-bit words. */
  get dataOffset(): number {
    return this.buf[this.off + F.DATA_OFFSET.start] >> 4;
  }
  get headerLength(): number {
    return (this.buf[this.off + F.DATA_OFFSET.start] >> 4) * 4;
  }
  /** The eight classic flag bits (CWR..FIN). */
  get flags(): number {
    return this.buf[this.off + F.FLAGS.start];
  }
  get window(): number {
    return be16(this.buf, this.off + F.WINDOW.start);
  }
  get checksum(): number {
    return be16(this.buf, this.off + F.CHECKSUM.start);
  }
  get urgentPointer(): number {
    return be16(this.buf, this.off + F.URGENT_POINTER.start);
  }
  get optionsOffset(): number {
    return this.off + TCP_MIN_HEADER;
  }
  get optionsLength(): number {
    return this.headerLength - TCP_MIN_HEADER;
  }
}

export interface TcpRepr {
  srcPort: number;
  dstPort: number;
  seq: number;
  ack: number;
  flags: number;
  window: number;
  urgentPointer: number;
  /** Raw option bytes (see tcp-options.ts to build or read them). */
  options: Uint8Array;
}

export function parseTcp(b: Uint8Array, off = 0, len = b.length - off): TcpRepr {
  const fault = checkTcp(b, off, len);
  if (fault) throw new DecodeError(fault);
  const v = new TcpView().reset(b, off);
  return {
    srcPort: v.srcPort,
    dstPort: v.dstPort,
    seq: v.seq,
    ack: v.ack,
    flags: v.flags,
    window: v.window,
    urgentPointer: v.urgentPointer,
    options: b.slice(off + TCP_MIN_HEADER, off + v.headerLength),
  };
}

export function tcpHeaderLength(r: Pick<TcpRepr, 'options'>): number {
  return TCP_MIN_HEADER + ((r.options.length + 3) & ~3);
}

/** Writes the header with a zero checksum (see build.ts for the checksum); returns its length. */
export function emitTcp(r: TcpRepr, b: Uint8Array, off = 0): number {
  const hl = tcpHeaderLength(r);
  if (hl > 60) throw new RangeError(`TCP options of ${r.options.length} bytes exceed 40`);
  putBe16(b, off + F.SRC_PORT.start, r.srcPort);
  putBe16(b, off + F.DST_PORT.start, r.dstPort);
  putBe32(b, off + F.SEQ.start, r.seq >>> 0);
  putBe32(b, off + F.ACK.start, r.ack >>> 0);
  b[off + F.DATA_OFFSET.start] = (hl / 4) << 4;
  b[off + F.FLAGS.start] = r.flags & 0xff;
  putBe16(b, off + F.WINDOW.start, r.window);
  putBe16(b, off + F.CHECKSUM.start, 0);
  putBe16(b, off + F.URGENT_POINTER.start, r.urgentPointer);
  b.fill(0, off + TCP_MIN_HEADER, off + hl);
  b.set(r.options, off + TCP_MIN_HEADER);
  return hl;
}

/** Flag bits as tcpdump prints them, e.g. "S", "S.", "R.", "P.", "F.". */
export function tcpFlagsText(flags: number): string {
  let s = '';
  if (flags & TCP_SYN) s += 'S';
  if (flags & TCP_FIN) s += 'F';
  if (flags & TCP_PSH) s += 'P';
  if (flags & TCP_RST) s += 'R';
  if (flags & TCP_URG) s += 'U';
  if (flags & TCP_ECE) s += 'E';
  if (flags & TCP_CWR) s += 'W';
  if (flags & TCP_ACK) s += '.';
  return s || 'none';
}
