// Walking an Ethernet type field to the IP header: VLAN tags (802.1Q, 802.1ad and the pre-standard
// QinQ types, stacked), MPLS label stacks, PPPoE sessions and Cisco FabricPath. Names of the
// EtherType constants are those of linux/if_ether.h.
import { be16 } from '../bytes/endian.js';
import { PPP_IP, PPP_IPV6 } from '../wire/ppp.js';

export { PPP_IP, PPP_IPV6 };

export const ETH_P_IP = 0x0800;
export const ETH_P_IPV6 = 0x86dd;
export const ETH_P_8021Q = 0x8100;
export const ETH_P_8021AD = 0x88a8;
export const ETH_P_QINQ1 = 0x9100;
export const ETH_P_QINQ2 = 0x9200;
export const ETH_P_QINQ3 = 0x9300;
export const ETH_P_MPLS_UC = 0x8847;
export const ETH_P_MPLS_MC = 0x8848;
export const ETH_P_PPP_SES = 0x8864;
/** Cisco FabricPath (not in the kernel's list): a 16-byte outer header, then a whole Ethernet header. */
export const ETH_P_CISCO_FABRICPATH = 0x8903;

export const ETH_HLEN = 14;
export const VLAN_HLEN = 4;
export const PPPOE_SES_HLEN = 6;
export const MPLS_HLEN = 4;

/** Bounds the walk: a frame of nothing but tags must not keep us busy. */
const MAX_HEADERS = 16;

/**
 * Offset of the IP header for a payload of EtherType `type` starting at `p`, or -1. `end` is the
 * end of the captured frame.
 */
export function ipAfterEthertype(b: Uint8Array, type: number, p: number, end: number): number {
  for (let n = 0; n < MAX_HEADERS; n++) {
    switch (type) {
      case ETH_P_IP:
      case ETH_P_IPV6:
        return p < end ? p : -1;
      case ETH_P_8021Q:
      case ETH_P_8021AD:
      case ETH_P_QINQ1:
      case ETH_P_QINQ2:
      case ETH_P_QINQ3:
        // TCI(2) then the next type
        if (p + VLAN_HLEN > end) return -1;
        type = be16(b, p + 2);
        p += VLAN_HLEN;
        break;
      case ETH_P_MPLS_UC:
      case ETH_P_MPLS_MC:
        return ipAfterMpls(b, p, end);
      case ETH_P_PPP_SES: {
        // ver/type(1) code(1) session(2) length(2), then the PPP protocol field
        if (p + PPPOE_SES_HLEN + 2 > end) return -1;
        const proto = be16(b, p + PPPOE_SES_HLEN);
        const ip = p + PPPOE_SES_HLEN + 2;
        return (proto === PPP_IP || proto === PPP_IPV6) && ip < end ? ip : -1;
      }
      case ETH_P_CISCO_FABRICPATH:
        // FTag/TTL(2), then the inner destination and source MACs and the inner type
        if (p + 2 + 12 + 2 > end) return -1;
        type = be16(b, p + 14);
        p += 16;
        break;
      default:
        return -1;
    }
  }
  return -1;
}

/** MPLS: skip labels to the bottom of the stack, then trust the IP version nibble. */
function ipAfterMpls(b: Uint8Array, p: number, end: number): number {
  for (let n = 0; n < MAX_HEADERS; n++) {
    if (p + MPLS_HLEN > end) return -1;
    const bottom = (b[p + 2] & 0x01) !== 0;
    p += MPLS_HLEN;
    if (bottom) {
      if (p >= end) return -1;
      const v = b[p] >> 4;
      // a pseudowire control word starts with nibble 0: Ethernet over MPLS, not IP
      return v === 4 || v === 6 ? p : -1;
    }
  }
  return -1;
}
