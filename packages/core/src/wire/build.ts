// Building IPv4/IPv6 packets with a TCP or UDP payload and correct checksums (IP header,
// TCP/UDP over the pseudo-header). Serialised from the inside out: the transport header is
// written after the IP header is placed, then the checksum is computed over the final bytes.
import { finishChecksum, pseudoHeaderSum, sumBytes } from '../bytes/checksum.js';
import { be16, putBe16 } from '../bytes/endian.js';
import { addressBytes, type AddressInput } from './address.js';
import { emitIpv4, IPV4_FIELD, ipv4HeaderLength, IPV4_MIN_HEADER } from './ipv4.js';
import { emitIpv6, IPV6_FIELD, IPV6_HEADER } from './ipv6.js';
import { IPPROTO_TCP, IPPROTO_UDP } from './ip-proto.js';
import { emitTcp, TCP_FIELD, tcpHeaderLength } from './tcp.js';
import { emitUdp, UDP_FIELD, UDP_HEADER } from './udp.js';

export interface IpSpec {
  src: AddressInput;
  dst: AddressInput;
  ttl?: number;
  tos?: number;
  id?: number;
  dontFragment?: boolean;
  /** IPv6 flow label. */
  flowLabel?: number;
}

export interface TcpSpec extends IpSpec {
  srcPort: number;
  dstPort: number;
  seq?: number;
  ack?: number;
  flags: number;
  window?: number;
  urgentPointer?: number;
  options?: Uint8Array;
  payload?: Uint8Array | string;
}

export interface UdpSpec extends IpSpec {
  srcPort: number;
  dstPort: number;
  payload?: Uint8Array | string;
}

export interface RawIpSpec extends IpSpec {
  protocol: number;
  payload?: Uint8Array | string;
}

function bytes(p: Uint8Array | string | undefined): Uint8Array {
  if (p === undefined) return new Uint8Array(0);
  return typeof p === 'string' ? Buffer.from(p, 'latin1') : p;
}

/** Writes the IP header for `upperLength` bytes of `protocol`; returns the header length. */
function writeIp(
  spec: IpSpec,
  protocol: number,
  upperLength: number,
  out: Uint8Array,
  off: number,
  src: Uint8Array,
  dst: Uint8Array,
): number {
  if (src.length === 4) {
    const r = {
      tos: spec.tos ?? 0,
      totalLength: IPV4_MIN_HEADER + upperLength,
      id: spec.id ?? 0,
      dontFragment: spec.dontFragment ?? true,
      moreFragments: false,
      fragmentOffset: 0,
      ttl: spec.ttl ?? 64,
      protocol,
      src,
      dst,
      options: new Uint8Array(0),
    };
    return emitIpv4(r, out, off);
  }
  return emitIpv6(
    {
      trafficClass: spec.tos ?? 0,
      flowLabel: spec.flowLabel ?? 0,
      payloadLength: upperLength,
      nextHeader: protocol,
      hopLimit: spec.ttl ?? 64,
      src,
      dst,
    },
    out,
    off,
  );
}

function endpoints(spec: IpSpec): [Uint8Array, Uint8Array] {
  const src = addressBytes(spec.src);
  const dst = addressBytes(spec.dst);
  if (src.length !== dst.length)
    throw new RangeError('source and destination are of different IP versions');
  return [src, dst];
}

/**
 * Computes and stores the TCP or UDP checksum of the packet whose IP header starts at `ipOff`
 * (IPv4 without options beyond the header length, or IPv6 without extension headers).
 */
export function fillTransportChecksum(b: Uint8Array, ipOff: number): void {
  const v = b[ipOff] >> 4;
  const hl = v === 4 ? (b[ipOff + IPV4_FIELD.VER_IHL.start] & 0x0f) * 4 : IPV6_HEADER;
  const protocol = b[ipOff + (v === 4 ? IPV4_FIELD.PROTOCOL : IPV6_FIELD.NEXT_HEADER).start];
  const total =
    v === 4
      ? be16(b, ipOff + IPV4_FIELD.TOTAL_LENGTH.start)
      : IPV6_HEADER + be16(b, ipOff + IPV6_FIELD.PAYLOAD_LENGTH.start);
  const l4 = ipOff + hl;
  const l4len = total - hl;
  const at = checksumAt(protocol);
  if (at < 0) return;
  putBe16(b, l4 + at, 0);
  const addrLen = v === 4 ? 4 : 16;
  const srcOff = ipOff + (v === 4 ? IPV4_FIELD : IPV6_FIELD).SRC_ADDR.start;
  const dstOff = ipOff + (v === 4 ? IPV4_FIELD : IPV6_FIELD).DST_ADDR.start;
  let sum = pseudoHeaderSum(b, srcOff, dstOff, addrLen, protocol, l4len);
  sum = sumBytes(b, l4, l4len, sum);
  let c = finishChecksum(sum);
  // UDP sends an all-zero checksum as 0xffff (0 means "none")
  if (protocol === IPPROTO_UDP && c === 0) c = 0xffff;
  putBe16(b, l4 + at, c);
}

/** Where the checksum sits in a TCP or UDP header; -1 for other protocols. */
function checksumAt(protocol: number): number {
  return protocol === IPPROTO_TCP
    ? TCP_FIELD.CHECKSUM.start
    : protocol === IPPROTO_UDP
      ? UDP_FIELD.CHECKSUM.start
      : -1;
}

/** Writes a TCP packet into `out` at `off` (room must suffice); returns its length. */
export function writeTcpPacket(spec: TcpSpec, out: Uint8Array, off = 0): number {
  const [src, dst] = endpoints(spec);
  const options = spec.options ?? new Uint8Array(0);
  const payload = bytes(spec.payload);
  const thl = tcpHeaderLength({ options });
  const upper = thl + payload.length;
  const hl = writeIp(spec, IPPROTO_TCP, upper, out, off, src, dst);
  emitTcp(
    {
      srcPort: spec.srcPort,
      dstPort: spec.dstPort,
      seq: spec.seq ?? 0,
      ack: spec.ack ?? 0,
      flags: spec.flags,
      window: spec.window ?? 65535,
      urgentPointer: spec.urgentPointer ?? 0,
      options,
    },
    out,
    off + hl,
  );
  out.set(payload, off + hl + thl);
  fillTransportChecksum(out, off);
  return hl + upper;
}

/** Length of the packet `buildTcpPacket(spec)` would make. */
export function tcpPacketLength(spec: TcpSpec): number {
  const [src] = endpoints(spec);
  const ip = src.length === 4 ? ipv4HeaderLength({ options: new Uint8Array(0) }) : IPV6_HEADER;
  return (
    ip +
    tcpHeaderLength({ options: spec.options ?? new Uint8Array(0) }) +
    bytes(spec.payload).length
  );
}

export function buildTcpPacket(spec: TcpSpec): Uint8Array {
  const out = Buffer.alloc(tcpPacketLength(spec));
  writeTcpPacket(spec, out);
  return out;
}

export function buildUdpPacket(spec: UdpSpec): Uint8Array {
  const [src, dst] = endpoints(spec);
  const payload = bytes(spec.payload);
  const upper = UDP_HEADER + payload.length;
  const out = Buffer.alloc((src.length === 4 ? IPV4_MIN_HEADER : IPV6_HEADER) + upper);
  const hl = writeIp(spec, IPPROTO_UDP, upper, out, 0, src, dst);
  emitUdp({ srcPort: spec.srcPort, dstPort: spec.dstPort, length: upper }, out, hl);
  out.set(payload, hl + UDP_HEADER);
  fillTransportChecksum(out, 0);
  return out;
}

/** An IP packet carrying an arbitrary payload (ICMP and the like); no upper-layer checksum. */
export function buildIpPacket(spec: RawIpSpec): Uint8Array {
  const [src, dst] = endpoints(spec);
  const payload = bytes(spec.payload);
  const out = Buffer.alloc((src.length === 4 ? IPV4_MIN_HEADER : IPV6_HEADER) + payload.length);
  const hl = writeIp(spec, spec.protocol, payload.length, out, 0, src, dst);
  out.set(payload, hl);
  return out;
}

/** True when the TCP/UDP checksum of the packet at `ipOff` verifies. */
export function transportChecksumValid(b: Uint8Array, ipOff: number): boolean {
  const copy = Uint8Array.from(b.subarray(ipOff));
  const v = copy[0] >> 4;
  const hl = v === 4 ? (copy[IPV4_FIELD.VER_IHL.start] & 0x0f) * 4 : IPV6_HEADER;
  const protocol = copy[(v === 4 ? IPV4_FIELD.PROTOCOL : IPV6_FIELD.NEXT_HEADER).start];
  const at = hl + (protocol === IPPROTO_TCP ? TCP_FIELD : UDP_FIELD).CHECKSUM.start;
  const before = be16(copy, at);
  fillTransportChecksum(copy, 0);
  return be16(copy, at) === before;
}
