// UDP header (RFC 768): src port, dst port, length, checksum — 8 bytes.
import { be16, putBe16 } from '../bytes/endian.js';
import { DecodeError, malformed, truncated, type DecodeFault } from '../errors.js';

export const UDP_HEADER = 8;

/** A length field shorter than the header is malformed; one beyond the captured bytes is not. */
export function checkUdp(b: Uint8Array, off: number, len: number): DecodeFault | null {
  if (len < UDP_HEADER) return truncated('udp', off, UDP_HEADER, len);
  const l = be16(b, off + 4);
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
    return be16(this.buf, this.off);
  }
  get dstPort(): number {
    return be16(this.buf, this.off + 2);
  }
  get length(): number {
    return be16(this.buf, this.off + 4);
  }
  get checksum(): number {
    return be16(this.buf, this.off + 6);
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
  putBe16(b, off, r.srcPort);
  putBe16(b, off + 2, r.dstPort);
  putBe16(b, off + 4, r.length);
  putBe16(b, off + 6, 0);
  return UDP_HEADER;
}
