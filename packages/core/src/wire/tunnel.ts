// Tunnels whose inner flows are the interesting ones, recognised the way capture analysers
// (nDPI's reader, Wireshark) do: GRE (IP protocol 47, RFC 2784/2890 and PPTP's enhanced GRE
// carrying PPP), GTP-U (UDP 2152, 3GPP TS 29.281 G-PDU), CAPWAP data (UDP 5247, RFC 5415/5416
// carrying 802.11 + LLC/SNAP). Each function returns the absolute offset of the inner IP header,
// or -1 when the bytes are not that tunnel or carry no IP. Nothing is allocated.
import { be16 } from '../bytes/endian.js';
import { ipAfterPpp, PPP_IP, PPP_IPV6 } from './ppp.js';

export const UDP_PORT_GTPU = 2152;
export const UDP_PORT_CAPWAP_DATA = 5247;

const ETHERTYPE_IPV4 = 0x0800;
const ETHERTYPE_IPV6 = 0x86dd;
const ETHERTYPE_PPP = 0x880b;

function ipVersionAt(b: Uint8Array, off: number, end: number): number {
  return off < end ? b[off] >> 4 : 0;
}

/** GRE header at `off` (IP payload). */
export function greInner(b: Uint8Array, off: number, end: number): number {
  if (off + 4 > end) return -1;
  const flags = b[off];
  const version = b[off + 1] & 0x07;
  const type = be16(b, off + 2);
  let p = off + 4;
  if (version === 0) {
    // C (checksum+reserved), K (key), S (sequence): 4 bytes each; routing (R) is obsolete
    if (flags & 0x40) return -1;
    if (flags & 0x80) p += 4;
    if (flags & 0x20) p += 4;
    if (flags & 0x10) p += 4;
  } else if (version === 1) {
    // enhanced GRE (RFC 2637): key always present, sequence and acknowledgment optional
    if (type !== ETHERTYPE_PPP || (flags & 0x20) === 0) return -1;
    p += 4;
    if (flags & 0x10) p += 4;
    if (b[off + 1] & 0x80) p += 4;
  } else return -1;
  if (p > end) return -1;
  if (type === ETHERTYPE_IPV4 || type === ETHERTYPE_IPV6) {
    const v = ipVersionAt(b, p, end);
    return (type === ETHERTYPE_IPV4 && v === 4) || (type === ETHERTYPE_IPV6 && v === 6) ? p : -1;
  }
  if (type === ETHERTYPE_PPP) {
    const ip = ipAfterPpp(b, p, end);
    if (ip < 0) return -1;
    // the protocol's low byte ends the PPP header, compressed or not: the version must match it
    const v = b[ip] >> 4;
    const proto = b[ip - 1];
    return (proto === (PPP_IP & 0xff) && v === 4) || (proto === (PPP_IPV6 & 0xff) && v === 6)
      ? ip
      : -1;
  }
  return -1;
}

/** GTPv1-U header at `off` (UDP payload). Only G-PDUs (message type 255) carry user IP. */
export function gtpuInner(b: Uint8Array, off: number, end: number): number {
  if (off + 8 > end) return -1;
  const flags = b[off];
  // version 1, protocol type 1 (GTP, not GTP')
  if (flags >> 5 !== 1 || (flags & 0x10) === 0) return -1;
  if (b[off + 1] !== 0xff) return -1;
  // the length field (bytes after the mandatory 8) is not checked against `end`: a capture's snap
  // length may cut the packet, and the inner IP header carries its own length
  let p = off + 8;
  if (flags & 0x07) {
    // sequence number (2), N-PDU number (1), next extension header type (1)
    if (p + 4 > end) return -1;
    let next = b[p + 3];
    p += 4;
    for (let n = 0; next !== 0 && n < 8; n++) {
      if (p >= end) return -1;
      const words = b[p];
      if (words === 0) return -1;
      const size = words * 4;
      if (p + size > end) return -1;
      next = b[p + size - 1];
      p += size;
    }
    if (next !== 0) return -1;
  }
  const v = ipVersionAt(b, p, end);
  return v === 4 || v === 6 ? p : -1;
}

/** CAPWAP data channel header at `off` (UDP payload) carrying an 802.11 frame. */
export function capwapInner(b: Uint8Array, off: number, end: number): number {
  if (off + 8 > end) return -1;
  if (b[off] !== 0) return -1; // preamble: version 0, type 0 (not DTLS-encrypted)
  // bits after the preamble: HLEN(5) RID(5) WBID(5) T F L W M K flags(3)
  const hlen = (b[off + 1] >> 3) * 4;
  const wbid = (b[off + 2] >> 1) & 0x1f;
  const tFlag = (b[off + 2] & 0x01) !== 0; // native frame format of the wireless binding
  if (hlen < 8 || off + hlen > end || !tFlag || wbid !== 1) return -1;
  return ieee80211Inner(b, off + hlen, end);
}

/**
 * An 802.11 data frame with an LLC/SNAP header → inner IP. Some access points (Cisco) send the
 * frame control field byte-swapped inside CAPWAP; Wireshark has a preference for it. Both orders
 * are tried: only one gives a data frame followed by LLC/SNAP.
 */
function ieee80211Inner(b: Uint8Array, p: number, end: number): number {
  if (p + 24 > end) return -1;
  const inner = ieee80211Frame(b, p, end, b[p], b[p + 1]);
  return inner >= 0 ? inner : ieee80211Frame(b, p, end, b[p + 1], b[p]);
}

function ieee80211Frame(b: Uint8Array, p: number, end: number, fc0: number, fc1: number): number {
  const type = (fc0 >> 2) & 0x03;
  const subtype = fc0 >> 4;
  if (type !== 2 || fc1 & 0x40) return -1; // data frames only, not protected
  let hl = 24;
  if ((fc1 & 0x03) === 0x03) hl += 6; // four addresses (WDS)
  if (subtype & 0x08) hl += 2; // QoS control
  if (fc1 & 0x80 && subtype & 0x08) hl += 4; // HT control
  p += hl;
  if (p + 8 > end) return -1;
  if (b[p] !== 0xaa || b[p + 1] !== 0xaa || b[p + 2] !== 0x03) return -1;
  const type2 = be16(b, p + 6);
  p += 8;
  const v = ipVersionAt(b, p, end);
  if (type2 === ETHERTYPE_IPV4 && v === 4) return p;
  if (type2 === ETHERTYPE_IPV6 && v === 6) return p;
  return -1;
}
