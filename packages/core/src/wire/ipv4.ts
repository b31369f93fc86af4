// IPv4 header (RFC 791): a zero-copy view, a length check, and a plain value with parse/emit.
//
//  0      1      2      3
//  ver/ihl tos   total length      (0..4)
//  identification  flags/frag off  (4..8)
//  ttl    proto  header checksum   (8..12)
//  source address                  (12..16)
//  destination address             (16..20)
//  options (ihl*4 - 20 bytes)
import { be16, putBe16 } from '../bytes/endian.js';
import { internetChecksum } from '../bytes/checksum.js';
import { DecodeError, malformed, truncated, type DecodeFault } from '../errors.js';

export const IPV4_MIN_HEADER = 20;
export const IPV4_SRC = 12;
export const IPV4_DST = 16;

/**
 * Checks that `len` bytes at `off` hold a well-formed IPv4 header. Returns null when every
 * accessor of an `Ipv4View` over these bytes is safe. A total length beyond the captured bytes is
 * not a fault (a capture with a snap length); a total length shorter than the header is.
 */
export function checkIpv4(b: Uint8Array, off: number, len: number): DecodeFault | null {
  if (len < IPV4_MIN_HEADER) return truncated('ipv4', off, IPV4_MIN_HEADER, len);
  const v = b[off] >> 4;
  if (v !== 4) return malformed('ipv4', off, `version is ${v}, not 4`, len);
  const hl = (b[off] & 0x0f) * 4;
  if (hl < IPV4_MIN_HEADER) return malformed('ipv4', off, `header length ${hl} below 20`, len);
  if (hl > len) return truncated('ipv4', off, hl, len, 'ihl');
  const total = be16(b, off + 2);
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
    return this.buf[this.off] >> 4;
  }
  get ihl(): number {
    return this.buf[this.off] & 0x0f;
  }
  get headerLength(): number {
    return (this.buf[this.off] & 0x0f) * 4;
  }
  get tos(): number {
    return this.buf[this.off + 1];
  }
  get totalLength(): number {
    return be16(this.buf, this.off + 2);
  }
  get id(): number {
    return be16(this.buf, this.off + 4);
  }
  /** The raw 16-bit flags and fragment offset field. */
  get fragField(): number {
    return be16(this.buf, this.off + 6);
  }
  get dontFragment(): boolean {
    return (this.buf[this.off + 6] & 0x40) !== 0;
  }
  get moreFragments(): boolean {
    return (this.buf[this.off + 6] & 0x20) !== 0;
  }
  /** Fragment offset in bytes. */
  get fragmentOffset(): number {
    return (be16(this.buf, this.off + 6) & 0x1fff) * 8;
  }
  get ttl(): number {
    return this.buf[this.off + 8];
  }
  get protocol(): number {
    return this.buf[this.off + 9];
  }
  get checksum(): number {
    return be16(this.buf, this.off + 10);
  }
  get srcOffset(): number {
    return this.off + IPV4_SRC;
  }
  get dstOffset(): number {
    return this.off + IPV4_DST;
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
    src: b.slice(off + IPV4_SRC, off + IPV4_SRC + 4),
    dst: b.slice(off + IPV4_DST, off + IPV4_DST + 4),
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
  b[off] = 0x40 | (hl >> 2);
  b[off + 1] = r.tos;
  putBe16(b, off + 2, r.totalLength);
  putBe16(b, off + 4, r.id);
  putBe16(
    b,
    off + 6,
    (r.dontFragment ? 0x4000 : 0) |
      (r.moreFragments ? 0x2000 : 0) |
      ((r.fragmentOffset >> 3) & 0x1fff),
  );
  b[off + 8] = r.ttl;
  b[off + 9] = r.protocol;
  putBe16(b, off + 10, 0);
  b.set(r.src.subarray(0, 4), off + IPV4_SRC);
  b.set(r.dst.subarray(0, 4), off + IPV4_DST);
  b.fill(0, off + IPV4_MIN_HEADER, off + hl);
  b.set(r.options, off + IPV4_MIN_HEADER);
  putBe16(b, off + 10, internetChecksum(b, off, hl));
  return hl;
}
