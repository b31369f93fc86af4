// IPv4 header (RFC 791): a zero-copy view, a length check, and a plain value with parse/emit.
import { be16, putBe16 } from '../bytes/endian.js';
import { internetChecksum } from '../bytes/checksum.js';
import { DecodeError, malformed, truncated, type DecodeFault } from '../errors.js';
import type { Field } from './field.js';

/**
 * The fixed header's fields (RFC 791 §3.1); options follow, up to IHL × 4 bytes. VER_IHL holds
 * the version (high nibble) and the header length in 32-bit words (low nibble); FLAGS_FRAGMENT
 * the DF and MF bits and the fragment offset in 8-byte units.
 */
export const IPV4_FIELD = {
  VER_IHL: { start: 0, end: 1 },
  TOS: { start: 1, end: 2 },
  TOTAL_LENGTH: { start: 2, end: 4 },
  IDENT: { start: 4, end: 6 },
  FLAGS_FRAGMENT: { start: 6, end: 8 },
  TTL: { start: 8, end: 9 },
  PROTOCOL: { start: 9, end: 10 },
  CHECKSUM: { start: 10, end: 12 },
  SRC_ADDR: { start: 12, end: 16 },
  DST_ADDR: { start: 16, end: 20 },
} as const satisfies Record<string, Field>;

const F = IPV4_FIELD;

export const IPV4_MIN_HEADER = F.DST_ADDR.end;
export const IPV4_SRC = F.SRC_ADDR.start;
export const IPV4_DST = F.DST_ADDR.start;

/**
 * Checks that `len` bytes at `off` hold a well-formed IPv4 header. Returns null when every
 * accessor of an `Ipv4View` over these bytes is safe. A total length beyond the captured bytes is
 * not a fault (a capture with a snap length); a total length shorter than the header is.
 */
export function checkIpv4(b: Uint8Array, off: number, len: number): DecodeFault | null {
  if (len < IPV4_MIN_HEADER) return truncated('ipv4', off, IPV4_MIN_HEADER, len);
  const v = b[off + F.VER_IHL.start] >> 4;
  if (v !== 4) return malformed('ipv4', off, `version is ${v}, not 4`, len);
  const hl = (b[off + F.VER_IHL.start] & 0x0f) * 4;
  if (hl < IPV4_MIN_HEADER) return malformed('ipv4', off, `header length ${hl} below 20`, len);
  if (hl > len) return truncated('ipv4', off, hl, len, 'ihl');
  const total = be16(b, off + F.TOTAL_LENGTH.start);
  // 0 is what a capture on the sending host shows for TCP segmentation offload: the captured
  // length rules then, as in Wireshark
  if (total !== 0 && total < hl)
    return malformed('ipv4', off, `total length ${total} below header length ${hl}`, len);
  return null;
}

/** A view over an IPv4 header. Valid only after `checkIpv4` passed for the same bytes. */
export class Ipv4View {
  buf: Uint8Array = new Uint8Array(0);
  off = 0;

  reset(buf: Uint8Array, off: number): this {
    this.buf = buf;
    this.off = off;
    return this;
  }
  get version(): number {
    return this.buf[this.off + F.VER_IHL.start] >> 4;
  }
  get ihl(): number {
    return this.buf[this.off + F.VER_IHL.start] & 0x0f;
  }
  get headerLength(): number {
    return (this.buf[this.off + F.VER_IHL.start] & 0x0f) * 4;
  }
  get tos(): number {
    return this.buf[this.off + F.TOS.start];
  }
  get totalLength(): number {
    return be16(this.buf, this.off + F.TOTAL_LENGTH.start);
  }
  get id(): number {
    return be16(this.buf, this.off + F.IDENT.start);
  }
  /** The raw 16-bit flags and fragment offset field. */
  get fragField(): number {
    return be16(this.buf, this.off + F.FLAGS_FRAGMENT.start);
  }
  get dontFragment(): boolean {
    return (this.buf[this.off + F.FLAGS_FRAGMENT.start] & 0x40) !== 0;
  }
  get moreFragments(): boolean {
    return (this.buf[this.off + F.FLAGS_FRAGMENT.start] & 0x20) !== 0;
  }
  /** Fragment offset in bytes. */
  get fragmentOffset(): number {
    return (be16(this.buf, this.off + F.FLAGS_FRAGMENT.start) & 0x1fff) * 8;
  }
  get ttl(): number {
    return this.buf[this.off + F.TTL.start];
  }
  get protocol(): number {
    return this.buf[this.off + F.PROTOCOL.start];
  }
  get checksum(): number {
    return be16(this.buf, this.off + F.CHECKSUM.start);
  }
  get srcOffset(): number {
    return this.off + F.SRC_ADDR.start;
  }
  get dstOffset(): number {
    return this.off + F.DST_ADDR.start;
  }
  /** True when the header checksum verifies. */
  checksumValid(): boolean {
    return internetChecksum(this.buf, this.off, this.headerLength) === 0;
  }
}

/** A plain IPv4 header value. Addresses are 4-byte arrays. */
export interface Ipv4Repr {
  tos: number;
  totalLength: number;
  id: number;
  dontFragment: boolean;
  moreFragments: boolean;
  fragmentOffset: number;
  ttl: number;
  protocol: number;
  src: Uint8Array;
  dst: Uint8Array;
  options: Uint8Array;
}

/** Parses a checked header into a value (allocates; not for hot paths). Throws DecodeError. */
export function parseIpv4(b: Uint8Array, off = 0, len = b.length - off): Ipv4Repr {
  const fault = checkIpv4(b, off, len);
  if (fault) throw new DecodeError(fault);
  const v = new Ipv4View().reset(b, off);
  return {
    tos: v.tos,
    totalLength: v.totalLength,
    id: v.id,
    dontFragment: v.dontFragment,
    moreFragments: v.moreFragments,
    fragmentOffset: v.fragmentOffset,
    ttl: v.ttl,
    protocol: v.protocol,
    src: b.slice(off + F.SRC_ADDR.start, off + F.SRC_ADDR.end),
    dst: b.slice(off + F.DST_ADDR.start, off + F.DST_ADDR.end),
    options: b.slice(off + IPV4_MIN_HEADER, off + v.headerLength),
  };
}

/** Header length of a value (options padded to 4 bytes). */
export function ipv4HeaderLength(r: Pick<Ipv4Repr, 'options'>): number {
  return IPV4_MIN_HEADER + ((r.options.length + 3) & ~3);
}

/**
 * Writes the header of `r` at `off` (options zero-padded) with a correct header checksum, and
 * returns the header length. The caller sets `totalLength` (header plus payload).
 */
export function emitIpv4(r: Ipv4Repr, b: Uint8Array, off = 0): number {
  const hl = ipv4HeaderLength(r);
  b[off + F.VER_IHL.start] = 0x40 | (hl >> 2);
  b[off + F.TOS.start] = r.tos;
  putBe16(b, off + F.TOTAL_LENGTH.start, r.totalLength);
  putBe16(b, off + F.IDENT.start, r.id);
  putBe16(
    b,
    off + F.FLAGS_FRAGMENT.start,
    (r.dontFragment ? 0x4000 : 0) |
      (r.moreFragments ? 0x2000 : 0) |
      ((r.fragmentOffset >> 3) & 0x1fff),
  );
  b[off + F.TTL.start] = r.ttl;
  b[off + F.PROTOCOL.start] = r.protocol;
  putBe16(b, off + F.CHECKSUM.start, 0);
  b.set(r.src.subarray(0, 4), off + F.SRC_ADDR.start);
  b.set(r.dst.subarray(0, 4), off + F.DST_ADDR.start);
  b.fill(0, off + IPV4_MIN_HEADER, off + hl);
  b.set(r.options, off + IPV4_MIN_HEADER);
  putBe16(b, off + F.CHECKSUM.start, internetChecksum(b, off, hl));
  return hl;
}
