// UDP header (RFC 768): a zero-copy view, a length check, and a value with parse/emit.
import { be16, putBe16 } from '../bytes/endian.js';
import { DecodeError, malformed, truncated, type DecodeFault } from '../errors.js';
import type { Field } from './field.js';

/** The header's fields (RFC 768); LENGTH counts header and data. */
export const UDP_FIELD = {
  SRC_PORT: { start: 0, end: 2 },
  DST_PORT: { start: 2, end: 4 },
  LENGTH: { start: 4, end: 6 },
  CHECKSUM: { start: 6, end: 8 },
} as const satisfies Record<string, Field>;

const F = UDP_FIELD;

export const UDP_HEADER = F.CHECKSUM.end;

/** A length field shorter than the header is malformed; one beyond the captured bytes is not. */
export function checkUdp(b: Uint8Array, off: number, len: number): DecodeFault | null {
  if (len < UDP_HEADER) return truncated('udp', off, UDP_HEADER, len);
  const l = be16(b, off + F.LENGTH.start);
  // 0 is legal for IPv6 jumbograms (RFC 2675); the IP length then rules
  if (l !== 0 && l < UDP_HEADER) return malformed('udp', off, `length field ${l} below 8`, len);
  return null;
}

export class UdpView {
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
  get length(): number {
    return be16(this.buf, this.off + F.LENGTH.start);
  }
  get checksum(): number {
    return be16(this.buf, this.off + F.CHECKSUM.start);
  }
}

export interface UdpRepr {
  srcPort: number;
  dstPort: number;
  length: number;
}

export function parseUdp(b: Uint8Array, off = 0, len = b.length - off): UdpRepr {
  const fault = checkUdp(b, off, len);
  if (fault) throw new DecodeError(fault);
  const v = new UdpView().reset(b, off);
  return { srcPort: v.srcPort, dstPort: v.dstPort, length: v.length };
}

/** Writes the header with a zero checksum; returns 8. */
export function emitUdp(r: UdpRepr, b: Uint8Array, off = 0): number {
  putBe16(b, off + F.SRC_PORT.start, r.srcPort);
  putBe16(b, off + F.DST_PORT.start, r.dstPort);
  putBe16(b, off + F.LENGTH.start, r.length);
  putBe16(b, off + F.CHECKSUM.start, 0);
  return UDP_HEADER;
}
