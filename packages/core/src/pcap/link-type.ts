// Link-layer types (the LINKTYPE_* registry of tcpdump.org, as stored in pcap and pcapng files) and
// where the IP header starts in a frame of each. No allocation: a frame is walked in place.
import { be16, be32, le16, le32 } from '../bytes/endian.js';
import { ipAfterPpp } from '../wire/ppp.js';
import { ETH_HLEN, ipAfterEthertype } from './ethertype.js';

/** BSD loopback: a 4-byte address family in the capturing host's byte order. */
export const LINKTYPE_NULL = 0;
export const LINKTYPE_ETHERNET = 1;
export const LINKTYPE_PPP = 9;
/** DLT_RAW of most BSDs and Linux before libpcap mapped it to 101. */
export const DLT_RAW_12 = 12;
/** DLT_RAW of BSD/OS and OpenBSD. */
export const DLT_RAW_14 = 14;
export const LINKTYPE_PPP_HDLC = 50;
export const LINKTYPE_RAW = 101;
export const LINKTYPE_C_HDLC = 104;
/** OpenBSD loopback: like NULL but the family is always big-endian. */
export const LINKTYPE_LOOP = 108;
export const LINKTYPE_LINUX_SLL = 113;
/** Per-Packet Information header before a frame of another link type. */
export const LINKTYPE_PPI = 192;
export const LINKTYPE_IPV4 = 228;
export const LINKTYPE_IPV6 = 229;
export const LINKTYPE_LINUX_SLL2 = 276;

/** Address families a BSD loopback header carries for IP (AF_INET6 differs between BSDs). */
export const BSD_AF_INET = 2;
export const BSD_AF_INET6_BSD = 24;
export const BSD_AF_INET6_FREEBSD = 28;
export const BSD_AF_INET6_DARWIN = 30;

/** Cisco HDLC address bytes (drivers/net/wan/hdlc_cisco.c). */
export const CISCO_UNICAST = 0x0f;
export const CISCO_MULTICAST = 0x8f;

export const SLL_HDR_LEN = 16;
export const SLL2_HDR_LEN = 20;
export const PPI_HDR_MIN = 8;

/** Link types `ipOffset` understands. */
export const SUPPORTED_LINK_TYPES: readonly number[] = [
  LINKTYPE_NULL,
  LINKTYPE_ETHERNET,
  LINKTYPE_PPP,
  DLT_RAW_12,
  DLT_RAW_14,
  LINKTYPE_PPP_HDLC,
  LINKTYPE_RAW,
  LINKTYPE_C_HDLC,
  LINKTYPE_LOOP,
  LINKTYPE_LINUX_SLL,
  LINKTYPE_PPI,
  LINKTYPE_IPV4,
  LINKTYPE_IPV6,
  LINKTYPE_LINUX_SLL2,
];

const NAMES: Record<number, string> = {
  [LINKTYPE_NULL]: 'null/loopback',
  [LINKTYPE_ETHERNET]: 'Ethernet',
  [LINKTYPE_PPP]: 'PPP',
  [DLT_RAW_12]: 'raw IP (12)',
  [DLT_RAW_14]: 'raw IP (14)',
  [LINKTYPE_PPP_HDLC]: 'PPP in HDLC framing',
  [LINKTYPE_RAW]: 'raw IP',
  [LINKTYPE_C_HDLC]: 'Cisco HDLC',
  [LINKTYPE_LOOP]: 'OpenBSD loopback',
  [LINKTYPE_LINUX_SLL]: 'Linux cooked (SLL)',
  [LINKTYPE_PPI]: 'PPI',
  [LINKTYPE_IPV4]: 'raw IPv4',
  [LINKTYPE_IPV6]: 'raw IPv6',
  [LINKTYPE_LINUX_SLL2]: 'Linux cooked v2 (SLL2)',
};

export function linkTypeName(linkType: number): string {
  return NAMES[linkType] ?? `link type ${linkType}`;
}

/** Absolute offset of the IP header inside the frame, or -1 when the frame carries no IPv4/IPv6. */
export function ipOffset(linkType: number, buf: Uint8Array, off: number, len: number): number {
  const end = off + len;
  if (off < 0 || len <= 0 || end > buf.length) return -1;
  switch (linkType) {
    case LINKTYPE_ETHERNET:
      if (len < ETH_HLEN) return -1;
      return ipAfterEthertype(buf, be16(buf, off + 12), off + ETH_HLEN, end);
    case LINKTYPE_RAW:
    case DLT_RAW_12:
    case DLT_RAW_14:
    case LINKTYPE_IPV4:
    case LINKTYPE_IPV6: {
      // the version nibble decides, also for 228/229 (Wireshark reads an IPv6 packet under 228)
      const v = buf[off] >> 4;
      return v === 4 || v === 6 ? off : -1;
    }
    case LINKTYPE_LINUX_SLL:
      // packet type(2) ARPHRD type(2) address length(2) address(8) protocol(2)
      if (len < SLL_HDR_LEN) return -1;
      return ipAfterEthertype(buf, be16(buf, off + 14), off + SLL_HDR_LEN, end);
    case LINKTYPE_LINUX_SLL2:
      // protocol(2) reserved(2) interface index(4) ARPHRD type(2) packet type(1) address length(1) address(8)
      if (len < SLL2_HDR_LEN) return -1;
      return ipAfterEthertype(buf, be16(buf, off), off + SLL2_HDR_LEN, end);
    case LINKTYPE_NULL:
      return len > 4 && isBsdIpFamily(le32(buf, off), be32(buf, off)) ? off + 4 : -1;
    case LINKTYPE_LOOP:
      return len > 4 && isBsdIpFamily(be32(buf, off), be32(buf, off)) ? off + 4 : -1;
    case LINKTYPE_PPP:
    case LINKTYPE_PPP_HDLC:
      return ipAfterPppLink(buf, off, end);
    case LINKTYPE_C_HDLC:
      return ipAfterCiscoHdlc(buf, off, end);
    case LINKTYPE_PPI: {
      // version(1) flags(1) header length(2, little-endian) inner link type(4, little-endian)
      if (len < PPI_HDR_MIN) return -1;
      const hl = le16(buf, off + 2);
      const inner = le32(buf, off + 4);
      // PPI inside PPI is refused (no capture tool writes it): no recursion on crafted input
      if (hl < PPI_HDR_MIN || hl >= len || inner === LINKTYPE_PPI) return -1;
      return ipOffset(inner, buf, off + hl, len - hl);
    }
    default:
      return -1;
  }
}

function isBsdIpFamily(a: number, b: number): boolean {
  return isIpFamily(a) || isIpFamily(b);
}

function isIpFamily(af: number): boolean {
  return (
    af === BSD_AF_INET ||
    af === BSD_AF_INET6_BSD ||
    af === BSD_AF_INET6_FREEBSD ||
    af === BSD_AF_INET6_DARWIN
  );
}

/** Frames of link type PPP that start with a Cisco HDLC address are Cisco HDLC, as Wireshark decides. */
function ipAfterPppLink(b: Uint8Array, off: number, end: number): number {
  if (off + 2 > end) return -1;
  if ((b[off] === CISCO_UNICAST || b[off] === CISCO_MULTICAST) && b[off + 1] === 0x00) {
    return ipAfterCiscoHdlc(b, off, end);
  }
  return ipAfterPpp(b, off, end);
}

/** Cisco HDLC: address(1) control(1) EtherType(2). */
function ipAfterCiscoHdlc(b: Uint8Array, off: number, end: number): number {
  if (off + 4 > end) return -1;
  return ipAfterEthertype(b, be16(b, off + 2), off + 4, end);
}
