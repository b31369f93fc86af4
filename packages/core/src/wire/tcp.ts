// TCP header (RFC 9293): a zero-copy view, a length check, and a value with parse/emit.
//
//  src port (0..2)  dst port (2..4)  sequence (4..8)  acknowledgment (8..12)
//  data offset/flags (12..14)  window (14..16)  checksum (16..18)  urgent pointer (18..20)
//  options (data offset*4 - 20 bytes)
import { be16, be32, putBe16, putBe32 } from '../bytes/endian.js';
import { DecodeError, malformed, truncated, type DecodeFault } from '../errors.js';

export const TCP_MIN_HEADER = 20;

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
  const hl = (b[off + 12] >> 4) * 4;
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
    return be16(this.buf, this.off);
  }
  get dstPort(): number {
    return be16(this.buf, this.off + 2);
  }
  get seq(): number {
    return be32(this.buf, this.off + 4);
  }
  get ack(): number {
    return be32(this.buf, this.off + 8);
  }
  /** Data offset in 32-bit words. */
  get dataOffset(): number {
    return this.buf[this.off + 12] >> 4;
  }
  get headerLength(): number {
    return (this.buf[this.off + 12] >> 4) * 4;
  }
  /** The eight classic flag bits (CWR..FIN). */
  get flags(): number {
    return this.buf[this.off + 13];
  }
  get window(): number {
    return be16(this.buf, this.off + 14);
  }
  get checksum(): number {
    return be16(this.buf, this.off + 16);
  }
  get urgentPointer(): number {
    return be16(this.buf, this.off + 18);
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
  putBe16(b, off, r.srcPort);
  putBe16(b, off + 2, r.dstPort);
  putBe32(b, off + 4, r.seq >>> 0);
  putBe32(b, off + 8, r.ack >>> 0);
  b[off + 12] = (hl / 4) << 4;
  b[off + 13] = r.flags & 0xff;
  putBe16(b, off + 14, r.window);
  putBe16(b, off + 16, 0);
  putBe16(b, off + 18, r.urgentPointer);
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
