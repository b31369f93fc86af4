// IPv6 fixed header (RFC 8200): a zero-copy view, a length check, and a value with parse/emit.
//
//  ver/tc/flow label (0..4)  payload length (4..6)  next header (6)  hop limit (7)
//  source address (8..24)    destination address (24..40)
import { be16, be32, putBe16, putBe32 } from '../bytes/endian.js';
import { DecodeError, malformed, truncated, type DecodeFault } from '../errors.js';

export const IPV6_HEADER = 40;
export const IPV6_SRC = 8;
export const IPV6_DST = 24;

/** Checks the 40-byte fixed header. A payload length beyond the captured bytes is not a fault. */
export function checkIpv6(b: Uint8Array, off: number, len: number): DecodeFault | null {
  if (len < IPV6_HEADER) return truncated('ipv6', off, IPV6_HEADER, len);
  const v = b[off] >> 4;
  if (v !== 6) return malformed('ipv6', off, `version is ${v}, not 6`, len);
  return null;
}

export class Ipv6View {
  buf: Uint8Array = new Uint8Array(0);
  off = 0;

  reset(buf: Uint8Array, off: number): this {
    this.buf = buf;
    this.off = off;
    return this;
  }
  get version(): number {
    return this.buf[this.off] >> 4;
  }
  get trafficClass(): number {
    return ((this.buf[this.off] & 0x0f) << 4) | (this.buf[this.off + 1] >> 4);
  }
  get flowLabel(): number {
    return be32(this.buf, this.off) & 0xfffff;
  }
  get payloadLength(): number {
    return be16(this.buf, this.off + 4);
  }
  get nextHeader(): number {
    return this.buf[this.off + 6];
  }
  get hopLimit(): number {
    return this.buf[this.off + 7];
  }
  get srcOffset(): number {
    return this.off + IPV6_SRC;
  }
  get dstOffset(): number {
    return this.off + IPV6_DST;
  }
}

export interface Ipv6Repr {
  trafficClass: number;
  flowLabel: number;
  payloadLength: number;
  nextHeader: number;
  hopLimit: number;
  src: Uint8Array;
  dst: Uint8Array;
}

export function parseIpv6(b: Uint8Array, off = 0, len = b.length - off): Ipv6Repr {
  const fault = checkIpv6(b, off, len);
  if (fault) throw new DecodeError(fault);
  const v = new Ipv6View().reset(b, off);
  return {
    trafficClass: v.trafficClass,
    flowLabel: v.flowLabel,
    payloadLength: v.payloadLength,
    nextHeader: v.nextHeader,
    hopLimit: v.hopLimit,
    src: b.slice(off + IPV6_SRC, off + IPV6_SRC + 16),
    dst: b.slice(off + IPV6_DST, off + IPV6_DST + 16),
  };
}

/** Writes the fixed header; returns 40. */
export function emitIpv6(r: Ipv6Repr, b: Uint8Array, off = 0): number {
  putBe32(b, off, (0x6 << 28) | ((r.trafficClass & 0xff) << 20) | (r.flowLabel & 0xfffff));
  putBe16(b, off + 4, r.payloadLength);
  b[off + 6] = r.nextHeader;
  b[off + 7] = r.hopLimit;
  b.set(r.src.subarray(0, 16), off + IPV6_SRC);
  b.set(r.dst.subarray(0, 16), off + IPV6_DST);
  return IPV6_HEADER;
}
