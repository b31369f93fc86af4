// One decoded IP packet: offsets into a caller-owned buffer plus reusable header views. A single
// `Packet` is reset for every packet (`decode`), so a packet path allocates nothing.
//
// Decoding goes as far as the bytes allow and records why it stopped: a truncated or lying header
// sets `fault` and leaves the layers below it valid. Tunnels are unwrapped to the innermost IP
// header (the one whose flow is interesting): IP-in-IP (4), IPv6-in-IP (41), GRE (47, incl. PPTP's
// PPP), GTP-U (UDP 2152) and CAPWAP data (UDP 5247); `outerOffset` keeps where the outermost IP
// header began and `tunnelDepth` how many were removed.
import { be16 } from '../bytes/endian.js';
import { malformed, type DecodeFault } from '../errors.js';
import { checkIpv4, IPV4_FIELD, Ipv4View } from './ipv4.js';
import { checkIpv6, IPV6_FIELD, Ipv6View, IPV6_HEADER } from './ipv6.js';
import { Ipv6ExtWalk, walkIpv6Extensions } from './ipv6-ext.js';
import { IPPROTO_GRE, IPPROTO_IPIP, IPPROTO_IPV6, IPPROTO_TCP, IPPROTO_UDP } from './ip-proto.js';
import { checkTcp, TCP_FIELD, TcpView } from './tcp.js';
import { checkUdp, UDP_HEADER, UdpView } from './udp.js';
import { capwapInner, greInner, gtpuInner, UDP_PORT_CAPWAP_DATA, UDP_PORT_GTPU } from './tunnel.js';

/** Tunnels nested deeper than this are left wrapped. */
export const MAX_TUNNEL_DEPTH = 4;

export class Packet {
  buf: Uint8Array = new Uint8Array(0);
  /** Offset of the outermost IP header. */
  outerOffset = 0;
  /** Offset of the (innermost) IP header; `$packet` of rope starts here. */
  ipOffset = 0;
  /** End of the usable bytes: the captured end clipped to the IP length (drops link padding). */
  end = 0;
  /** 4, 6, or 0 when no IP header could be decoded. */
  version = 0;
  /** IP header plus skipped IPv6 extension headers. */
  ipHeaderLength = 0;
  /** Upper-layer protocol number. */
  protocol = 0;
  /** Length the IP header declares for the whole packet (may exceed what was captured). */
  ipLength = 0;
  /** Offsets of the source/destination addresses; `addrLength` 4 or 16. */
  srcOffset = 0;
  dstOffset = 0;
  addrLength: 4 | 16 = 4;
  /** A non-first fragment: no transport header in this packet. */
  laterFragment = false;
  /** Part of a fragmented datagram (first or later). */
  fragmented = false;
  /** Offset of the transport header, -1 when none was decoded. */
  l4Offset = -1;
  /** The whole TCP or UDP header was captured and checked (the `tcp`/`udp` views are valid). */
  hasPorts = false;
  /**
   * Transport ports. Set whenever the first 4 bytes of a TCP/UDP header were captured, even when
   * the rest is cut (then `hasPorts` is false and `fault` says why); 0 when unreadable (a later
   * fragment), which is how capture analysers key such packets.
   */
  srcPort = 0;
  dstPort = 0;
  /** TCP flag byte, 0 for non-TCP. */
  tcpFlags = 0;
  /** Transport payload (for other protocols: the IP payload), within `end`. */
  payloadOffset = 0;
  payloadLength = 0;
  /** The capture holds fewer bytes than the IP header declares. */
  truncated = false;
  tunnelDepth = 0;
  /** Why decoding stopped early, or null. */
  fault: DecodeFault | null = null;

  readonly ipv4 = new Ipv4View();
  readonly ipv6 = new Ipv6View();
  readonly tcp = new TcpView();
  readonly udp = new UdpView();
  readonly ext = new Ipv6ExtWalk();

  /** Resets to "no IP packet" without decoding anything (for frames that carry no IP). */
  reset(buf: Uint8Array = this.buf, off = 0): void {
    this.buf = buf;
    this.outerOffset = off;
    this.ipOffset = off;
    this.end = off;
    this.tunnelDepth = 0;
    this.fault = null;
    this.truncated = false;
    this.version = 0;
    this.protocol = 0;
    this.ipLength = 0;
    this.ipHeaderLength = 0;
    this.resetTransport(off);
  }

  /**
   * Decodes the IP packet at `buf[off, off+len)`. Returns true when an IP header was decoded
   * (addresses and protocol are valid); transport fields are valid when `hasPorts` is set.
   */
  decode(buf: Uint8Array, off: number, len: number): boolean {
    if (off < 0) off = 0;
    if (len < 0) len = 0;
    if (off + len > buf.length) len = Math.max(0, buf.length - off);
    this.reset(buf, off);
    let end = off + len;
    for (;;) {
      if (!this.decodeIp(buf, off, end)) return this.version !== 0;
      if (this.tunnelDepth < MAX_TUNNEL_DEPTH && !this.fragmented && this.payloadLength > 0) {
        const p = this.payloadOffset;
        let inner = -1;
        const proto = this.protocol;
        if (proto === IPPROTO_IPIP) inner = buf[p] >> 4 === 4 ? p : -1;
        else if (proto === IPPROTO_IPV6) inner = buf[p] >> 4 === 6 ? p : -1;
        else if (proto === IPPROTO_GRE) inner = greInner(buf, p, this.end);
        if (inner >= 0) {
          this.tunnelDepth++;
          off = inner;
          end = this.end;
          continue;
        }
      }
      this.decodeTransport();
      if (
        this.hasPorts &&
        this.protocol === IPPROTO_UDP &&
        this.tunnelDepth < MAX_TUNNEL_DEPTH &&
        !this.fragmented
      ) {
        const sp = this.srcPort;
        const dp = this.dstPort;
        const p = this.payloadOffset;
        const e = p + this.payloadLength;
        let inner = -1;
        if (sp === UDP_PORT_GTPU || dp === UDP_PORT_GTPU) inner = gtpuInner(buf, p, e);
        else if (sp === UDP_PORT_CAPWAP_DATA || dp === UDP_PORT_CAPWAP_DATA)
          inner = capwapInner(buf, p, e);
        if (inner >= 0) {
          this.tunnelDepth++;
          this.resetTransport(inner);
          off = inner;
          end = e;
          continue;
        }
      }
      return true;
    }
  }

  private resetTransport(at: number): void {
    this.l4Offset = -1;
    this.hasPorts = false;
    this.srcPort = 0;
    this.dstPort = 0;
    this.tcpFlags = 0;
    this.laterFragment = false;
    this.fragmented = false;
    this.payloadOffset = at;
    this.payloadLength = 0;
  }

  private decodeIp(b: Uint8Array, off: number, end: number): boolean {
    const len = end - off;
    const v = len > 0 ? b[off] >> 4 : 0;
    if (v === 4) {
      const f = checkIpv4(b, off, len);
      if (f) {
        this.fault = f;
        return false;
      }
      const ip = this.ipv4.reset(b, off);
      const hl = ip.headerLength;
      const total = ip.totalLength === 0 ? len : ip.totalLength;
      this.version = 4;
      this.ipOffset = off;
      this.ipHeaderLength = hl;
      this.protocol = ip.protocol;
      this.ipLength = total;
      this.srcOffset = off + IPV4_FIELD.SRC_ADDR.start;
      this.dstOffset = off + IPV4_FIELD.DST_ADDR.start;
      this.addrLength = 4;
      this.truncated = total > len;
      this.end = off + Math.min(total, len);
      const fragOff = ip.fragmentOffset;
      this.fragmented = fragOff !== 0 || ip.moreFragments;
      this.laterFragment = fragOff !== 0;
      this.payloadOffset = off + hl;
      this.payloadLength = this.end - this.payloadOffset;
      return true;
    }
    if (v === 6) {
      const f = checkIpv6(b, off, len);
      if (f) {
        this.fault = f;
        return false;
      }
      const ip = this.ipv6.reset(b, off);
      const pl = ip.payloadLength;
      // payload length 0 means a jumbogram or a sender that left it unset: trust the capture
      const total = pl === 0 ? len : IPV6_HEADER + pl;
      this.version = 6;
      this.ipOffset = off;
      this.ipLength = total;
      this.srcOffset = off + IPV6_FIELD.SRC_ADDR.start;
      this.dstOffset = off + IPV6_FIELD.DST_ADDR.start;
      this.addrLength = 16;
      this.truncated = total > len;
      this.end = off + Math.min(total, len);
      const fault = walkIpv6Extensions(b, off, this.end, this.ext);
      this.protocol = this.ext.protocol;
      this.fragmented = this.ext.fragmented;
      this.laterFragment = this.ext.fragmented && this.ext.fragmentOffset !== 0;
      if (fault) {
        this.fault = fault;
        this.ipHeaderLength = IPV6_HEADER;
        this.payloadOffset = this.end;
        this.payloadLength = 0;
        return false;
      }
      this.ipHeaderLength = this.ext.upperOffset - off;
      this.payloadOffset = this.ext.upperOffset;
      this.payloadLength = this.end - this.payloadOffset;
      return true;
    }
    this.fault = malformed(
      'link',
      off,
      len === 0 ? 'no IP header' : `not an IP packet (version ${v})`,
      len,
    );
    return false;
  }

  private decodeTransport(): void {
    if (this.laterFragment) return;
    const b = this.buf;
    const off = this.payloadOffset;
    const len = this.end - off;
    // TCP and UDP both begin with the two ports
    if ((this.protocol === IPPROTO_TCP || this.protocol === IPPROTO_UDP) && len >= 4) {
      this.srcPort = be16(b, off + TCP_FIELD.SRC_PORT.start);
      this.dstPort = be16(b, off + TCP_FIELD.DST_PORT.start);
    }
    if (this.protocol === IPPROTO_TCP) {
      const f = checkTcp(b, off, len);
      if (f) {
        this.fault = f;
        this.payloadOffset = this.end;
        this.payloadLength = 0;
        return;
      }
      const t = this.tcp.reset(b, off);
      const hl = t.headerLength;
      this.l4Offset = off;
      this.hasPorts = true;
      this.srcPort = t.srcPort;
      this.dstPort = t.dstPort;
      this.tcpFlags = t.flags;
      this.payloadOffset = off + hl;
      this.payloadLength = this.end - this.payloadOffset;
    } else if (this.protocol === IPPROTO_UDP) {
      const f = checkUdp(b, off, len);
      if (f) {
        this.fault = f;
        this.payloadOffset = this.end;
        this.payloadLength = 0;
        return;
      }
      const u = this.udp.reset(b, off);
      this.l4Offset = off;
      this.hasPorts = true;
      this.srcPort = u.srcPort;
      this.dstPort = u.dstPort;
      this.payloadOffset = off + UDP_HEADER;
      // the UDP length may be shorter than the IP payload (padding); never longer than captured
      const ul = u.length;
      const declared = ul === 0 ? len : ul;
      this.payloadLength = Math.max(0, Math.min(declared, len) - UDP_HEADER);
    }
  }
}
