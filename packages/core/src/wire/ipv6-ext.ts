// Walks IPv6 extension headers to the upper layer (RFC 8200 §4). Skipped: hop-by-hop options (0),
// routing (43), fragment (44), destination options (60), and AH (51, RFC 4302: length in 4-byte
// units + 2) so IPsec-authenticated traffic still shows its transport header. Anything else (ESP,
// No Next Header, an upper-layer protocol) ends the walk.
import { be16, be32 } from '../bytes/endian.js';
import { truncated, type DecodeFault } from '../errors.js';

export const IPV6_EXT_HOP_BY_HOP = 0;
export const IPV6_EXT_ROUTING = 43;
export const IPV6_EXT_FRAGMENT = 44;
export const IPV6_EXT_AH = 51;
export const IPV6_EXT_DEST_OPTS = 60;
/** More than this many extension headers is treated as the upper layer (a loop guard). */
export const IPV6_EXT_MAX = 16;

export function isIpv6Extension(nh: number): boolean {
  return (
    nh === IPV6_EXT_HOP_BY_HOP ||
    nh === IPV6_EXT_ROUTING ||
    nh === IPV6_EXT_FRAGMENT ||
    nh === IPV6_EXT_DEST_OPTS ||
    nh === IPV6_EXT_AH
  );
}

/** Where the walk ended. Reused between packets. */
export class Ipv6ExtWalk {
  /** Upper-layer protocol number (the last next-header value). */
  protocol = 0;
  /** Absolute offset of the upper-layer header. */
  upperOffset = 0;
  /** A fragment header was present. */
  fragmented = false;
  /** Fragment offset in bytes (0 for the first fragment). */
  fragmentOffset = 0;
  moreFragments = false;
  fragmentId = 0;
}

/**
 * Walks from the fixed header at `off` (already checked) through extension headers within
 * `end` (exclusive). Fills `out` and returns null, or a truncation fault.
 */
export function walkIpv6Extensions(
  b: Uint8Array,
  off: number,
  end: number,
  out: Ipv6ExtWalk,
): DecodeFault | null {
  let nh = b[off + 6];
  let p = off + 40;
  out.fragmented = false;
  out.fragmentOffset = 0;
  out.moreFragments = false;
  out.fragmentId = 0;
  for (let n = 0; n < IPV6_EXT_MAX && isIpv6Extension(nh); n++) {
    // a non-first fragment carries no further headers we could trust
    if (out.fragmented && out.fragmentOffset !== 0) break;
    if (p + 8 > end) return truncated('ipv6-ext', p, 8, end - p);
    let size: number;
    if (nh === IPV6_EXT_FRAGMENT) {
      size = 8;
      const fo = be16(b, p + 2);
      out.fragmented = true;
      out.fragmentOffset = fo & 0xfff8;
      out.moreFragments = (fo & 1) !== 0;
      out.fragmentId = be32(b, p + 4);
    } else if (nh === IPV6_EXT_AH) {
      size = (b[p + 1] + 2) * 4;
    } else {
      size = (b[p + 1] + 1) * 8;
    }
    if (p + size > end) return truncated('ipv6-ext', p, size, end - p, 'hdr ext len');
    nh = b[p];
    p += size;
  }
  out.protocol = nh;
  out.upperOffset = p;
  return null;
}
