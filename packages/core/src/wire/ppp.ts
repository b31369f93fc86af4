// PPP frames as captures (link types 9 and 50) and PPTP's enhanced GRE carry them: optional
// address and control bytes ff 03 (RFC 1662), then the protocol field, 2 bytes or 1 when
// compressed (RFC 1661 §6.5) — a protocol number's low byte is odd and its high byte even, so an
// odd first byte is a whole compressed field.
import { be16 } from '../bytes/endian.js';

/** PPP protocol numbers (linux/ppp_defs.h). */
export const PPP_IP = 0x0021;
export const PPP_IPV6 = 0x0057;

/** Offset of the IPv4/IPv6 datagram in the PPP frame at `p`, or -1 (another protocol, too short). */
export function ipAfterPpp(b: Uint8Array, p: number, end: number): number {
  if (p + 2 <= end && b[p] === 0xff && b[p + 1] === 0x03) p += 2;
  if (p >= end) return -1;
  let proto: number;
  if (b[p] & 0x01) {
    proto = b[p];
    p += 1;
  } else {
    if (p + 2 > end) return -1;
    proto = be16(b, p);
    p += 2;
  }
  return (proto === PPP_IP || proto === PPP_IPV6) && p < end ? p : -1;
}
