// IPv6 fixed header (RFC 8200): a zero-copy view, a length check, and a value with parse/emit.
import { be16, be32, putBe16, putBe32 } from '../bytes/endian.js';
import { DecodeError, malformed, truncated, type DecodeFault } from '../errors.js';
import type { Field } from './field.js';

/**
 * The fixed header's fields (RFC 8200 §3). VER_TC_FLOW holds the version (4 bits), the traffic
 * class (8) and the flow label (20), in that order from the most significant bit.
 */
export const IPV6_FIELD = {
  VER_TC_FLOW: { start: 0, end: 4 },
  PAYLOAD_LENGTH: { start: 4, end: 6 },
  NEXT_HEADER: { start: 6, end: 7 },
  HOP_LIMIT: { start: 7, end: 8 },
  SRC_ADDR: { start: 8, end: 24 },
  DST_ADDR: { start: 24, end: 40 },
} as const satisfies Record<string, Field>;

const F = IPV6_FIELD;

export const IPV6_HEADER = F.DST_ADDR.end;
export const IPV6_SRC = F.SRC_ADDR.start;
export const IPV6_DST = F.DST_ADDR.start;

/** Checks the 40-byte fixed header. A payload length beyond the captured bytes is not a fault. */
export function checkIpv6(b: Uint8Array, off: number, len: number): DecodeFault | null {
  if (len < IPV6_HEADER) return truncated('ipv6', off, IPV6_HEADER, len);
  const v = b[off + F.VER_TC_FLOW.start] >> 4;
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
    return this.buf[this.off + F.VER_TC_FLOW.start] >> 4;
  }
  get trafficClass(): number {
    return (be32(this.buf, this.off + F.VER_TC_FLOW.start) >>> 20) & 0xff;
  }
  get flowLabel(): number {
    return be32(this.buf, this.off + F.VER_TC_FLOW.start) & 0xfffff;
  }
  get payloadLength(): number {
    return be16(this.buf, this.off + F.PAYLOAD_LENGTH.start);
  }
  get nextHeader(): number {
    return this.buf[this.off + F.NEXT_HEADER.start];
  }
  get hopLimit(): number {
    return this.buf[this.off + F.HOP_LIMIT.start];
  }
  get srcOffset(): number {
    return this.off + F.SRC_ADDR.start;
  }
  get dstOffset(): number {
    return this.off + F.DST_ADDR.start;
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
    src: b.slice(off + F.SRC_ADDR.start, off + F.SRC_ADDR.end),
    dst: b.slice(off + F.DST_ADDR.start, off + F.DST_ADDR.end),
  };
}

/** Writes the fixed header; returns 40. */
export function emitIpv6(r: Ipv6Repr, b: Uint8Array, off = 0): number {
  putBe32(
    b,
    off + F.VER_TC_FLOW.start,
    (0x6 << 28) | ((r.trafficClass & 0xff) << 20) | (r.flowLabel & 0xfffff),
  );
  putBe16(b, off + F.PAYLOAD_LENGTH.start, r.payloadLength);
  b[off + F.NEXT_HEADER.start] = r.nextHeader;
  b[off + F.HOP_LIMIT.start] = r.hopLimit;
  b.set(r.src.subarray(0, 16), off + F.SRC_ADDR.start);
  b.set(r.dst.subarray(0, 16), off + F.DST_ADDR.start);
  return IPV6_HEADER;
}
