// One decoded IP packet: offsets into a caller-owned buffer plus reusable header views. A single
// `Packet` is reset for every packet (`decode`), so a packet path allocates nothing.
//
// Decoding goes as far as the bytes allow and records why it stopped: a truncated or lying header
// sets `fault` and leaves the layers below it valid. IP-in-IP (4) and IPv6-in-IP (41) tunnels
// are unwrapped to the innermost IP header (the one whose flow is interesting); `outerOffset`
// keeps where the outermost IP header began.
import { be16 } from '../bytes/endian.js';
import { malformed, type DecodeFault } from '../errors.js';
import { checkIpv4, Ipv4View } from './ipv4.js';
import { checkIpv6, Ipv6View, IPV6_HEADER } from './ipv6.js';
import { Ipv6ExtWalk, walkIpv6Extensions } from './ipv6-ext.js';
import { IPPROTO_IPIP, IPPROTO_IPV6, IPPROTO_TCP, IPPROTO_UDP } from './ip-proto.js';
import { checkTcp, TcpView } from './tcp.js';
import { checkUdp, UDP_HEADER, UdpView } from './udp.js';

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
  /** TCP or UDP header decoded. */
  hasPorts = false;
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

  /**
   * Decodes the IP packet at `buf[off, off+len)`. Returns true when an IP header was decoded
   * (addresses and protocol are valid); transport fields are valid when `hasPorts` is set.
   */
  decode(buf: Uint8Array, off: number, len: number): boolean {
    this.buf = buf;
    this.outerOffset = off;
    this.tunnelDepth = 0;
    this.fault = null;
    this.truncated = false;
    this.version = 0;
    this.l4Offset = -1;
    this.hasPorts = false;
    this.srcPort = 0;
    this.dstPort = 0;
    this.tcpFlags = 0;
    this.laterFragment = false;
    this.fragmented = false;
    this.payloadOffset = off;
    this.payloadLength = 0;
    this.protocol = 0;
    this.ipLength = 0;
    this.ipHeaderLength = 0;
    if (off < 0 || len < 0 || off + len > buf.length) len = Math.max(0, Math.min(len, buf.length - off));
    let end = off + len;
    for (;;) {
      if (!this.decodeIp(buf, off, end)) return this.version !== 0;
      if (
        (this.protocol === IPPROTO_IPIP || this.protocol === IPPROTO_IPV6) &&
        !this.laterFragment &&
        !this.fragmented &&
        this.tunnelDepth < MAX_TUNNEL_DEPTH &&
        this.payloadLength > 0
      ) {
        const inner = this.payloadOffset;
        const innerVersion = buf[inner] >> 4;
        if ((this.protocol === IPPROTO_IPIP && innerVersion === 4) || (this.protocol === IPPROTO_IPV6 && innerVersion === 6)) {
          this.tunnelDepth++;
          off = inner;
          end = this.end;
          continue;
        }
      }
      this.decodeTransport();
      return true;
    }
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
      const total = ip.totalLength;
      this.version = 4;
      this.ipOffset = off;
      this.ipHeaderLength = hl;
      this.protocol = ip.protocol;
      this.ipLength = total;
      this.srcOffset = off + 12;
      this.dstOffset = off + 16;
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
      this.srcOffset = off + 8;
      this.dstOffset = off + 24;
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
    this.fault = malformed('link', off, len === 0 ? 'no IP header' : `not an IP packet (version ${v})`, len);
    return false;
  }

  private decodeTransport(): void {
    if (this.laterFragment) return;
    const b = this.buf;
    const off = this.payloadOffset;
    const len = this.end - off;
    if (this.protocol === IPPROTO_TCP) {
      const f = checkTcp(b, off, len);
      if (f) {
        this.fault = f;
        return;
      }
      const t = this.tcp.reset(b, off);
      const hl = t.headerLength;
      this.l4Offset = off;
      this.hasPorts = true;
      this.srcPort = be16(b, off);
      this.dstPort = be16(b, off + 2);
      this.tcpFlags = b[off + 13];
      this.payloadOffset = off + hl;
      this.payloadLength = this.end - this.payloadOffset;
    } else if (this.protocol === IPPROTO_UDP) {
      const f = checkUdp(b, off, len);
      if (f) {
        this.fault = f;
        return;
      }
      this.udp.reset(b, off);
      this.l4Offset = off;
      this.hasPorts = true;
      this.srcPort = be16(b, off);
      this.dstPort = be16(b, off + 2);
      this.payloadOffset = off + UDP_HEADER;
      // the UDP length may be shorter than the IP payload (padding); never longer than captured
      const ul = be16(b, off + 4);
      const declared = ul === 0 ? len : ul;
      this.payloadLength = Math.max(0, Math.min(declared, len) - UDP_HEADER);
    }
  }
}
