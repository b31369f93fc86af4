// CTA_TUPLE_ORIG / CTA_TUPLE_REPLY / CTA_TUPLE_MASTER: addresses, protocol, ports or ICMP
// identity, and the tuple's zone. Decode and encode side by side.
import { addressBytes, formatIpv4, formatIpv6 } from '../../wire/address.js';
import { IPPROTO } from '../../wire/ip-proto.js';
import { AttrTable } from '../attr.js';
import { malformedAt, NetlinkDecodeError } from '../errors.js';
import type { NlWriter } from '../writer.js';
import {
  CTA_IP_MAX,
  CTA_IP_V4_DST,
  CTA_IP_V4_SRC,
  CTA_IP_V6_DST,
  CTA_IP_V6_SRC,
  CTA_PROTO_DST_PORT,
  CTA_PROTO_ICMP_CODE,
  CTA_PROTO_ICMP_ID,
  CTA_PROTO_ICMP_TYPE,
  CTA_PROTO_ICMPV6_CODE,
  CTA_PROTO_ICMPV6_ID,
  CTA_PROTO_ICMPV6_TYPE,
  CTA_PROTO_MAX,
  CTA_PROTO_NUM,
  CTA_PROTO_SRC_PORT,
  CTA_TUPLE_IP,
  CTA_TUPLE_MAX,
  CTA_TUPLE_PROTO,
  CTA_TUPLE_ZONE,
} from './constants.js';

/** One direction of a connection as conntrack keys it. Addresses are RFC 5952 text. */
export interface Tuple {
  src: string;
  dst: string;
  /** IP protocol number (6 TCP, 17 UDP, 1 ICMP, 58 ICMPv6, …). */
  proto: number;
  srcPort?: number;
  dstPort?: number;
  /** ICMP or ICMPv6 (by `proto`) echo identity. */
  icmpId?: number;
  icmpType?: number;
  icmpCode?: number;
  /** CTA_TUPLE_ZONE: a zone that applies to this direction only. */
  zone?: number;
}

const tupleTable = new AttrTable(CTA_TUPLE_MAX);
const ipTable = new AttrTable(CTA_IP_MAX);
const protoTable = new AttrTable(CTA_PROTO_MAX);

/** Decodes the nested tuple payload `b[start, end)`. */
export function decodeTuple(b: Uint8Array, start: number, end: number): Tuple {
  const t = tupleTable.parseOrThrow(b, start, end);
  if (!t.has(CTA_TUPLE_IP))
    throw new NetlinkDecodeError(
      malformedAt(start, { kind: 'missing', container: 'tuple', part: 'CTA_TUPLE_IP' }),
    );
  const ipOff = t.offset(CTA_TUPLE_IP);
  ipTable.parseOrThrow(b, ipOff, ipOff + t.length(CTA_TUPLE_IP));
  let src: string;
  let dst: string;
  if (ipTable.length(CTA_IP_V4_SRC) === 4 && ipTable.length(CTA_IP_V4_DST) === 4) {
    src = formatIpv4(b, ipTable.offset(CTA_IP_V4_SRC));
    dst = formatIpv4(b, ipTable.offset(CTA_IP_V4_DST));
  } else if (ipTable.length(CTA_IP_V6_SRC) === 16 && ipTable.length(CTA_IP_V6_DST) === 16) {
    src = formatIpv6(b, ipTable.offset(CTA_IP_V6_SRC));
    dst = formatIpv6(b, ipTable.offset(CTA_IP_V6_DST));
  } else {
    throw new NetlinkDecodeError(
      malformedAt(ipOff, {
        kind: 'missing',
        container: 'tuple',
        part: 'a pair of IPv4 or IPv6 addresses',
      }),
    );
  }
  const tuple: Tuple = { src, dst, proto: 0 };
  if (t.has(CTA_TUPLE_PROTO)) {
    const pOff = t.offset(CTA_TUPLE_PROTO);
    const p = protoTable.parseOrThrow(b, pOff, pOff + t.length(CTA_TUPLE_PROTO));
    tuple.proto = p.u8(CTA_PROTO_NUM);
    if (p.has(CTA_PROTO_SRC_PORT)) tuple.srcPort = p.be16(CTA_PROTO_SRC_PORT);
    if (p.has(CTA_PROTO_DST_PORT)) tuple.dstPort = p.be16(CTA_PROTO_DST_PORT);
    if (p.has(CTA_PROTO_ICMP_ID)) tuple.icmpId = p.be16(CTA_PROTO_ICMP_ID);
    if (p.has(CTA_PROTO_ICMP_TYPE)) tuple.icmpType = p.u8(CTA_PROTO_ICMP_TYPE);
    if (p.has(CTA_PROTO_ICMP_CODE)) tuple.icmpCode = p.u8(CTA_PROTO_ICMP_CODE);
    if (p.has(CTA_PROTO_ICMPV6_ID)) tuple.icmpId = p.be16(CTA_PROTO_ICMPV6_ID);
    if (p.has(CTA_PROTO_ICMPV6_TYPE)) tuple.icmpType = p.u8(CTA_PROTO_ICMPV6_TYPE);
    if (p.has(CTA_PROTO_ICMPV6_CODE)) tuple.icmpCode = p.u8(CTA_PROTO_ICMPV6_CODE);
  }
  if (t.has(CTA_TUPLE_ZONE)) tuple.zone = t.be16(CTA_TUPLE_ZONE);
  return tuple;
}

/** 4 or 6 for a tuple's addresses. */
export function tupleVersion(t: Pick<Tuple, 'src'>): 4 | 6 {
  return t.src.includes(':') ? 6 : 4;
}

/**
 * Writes `tuple` as nested attribute `type`. `parts` chooses what to include (a CTA_FILTER dump
 * filter sends partial tuples): by default everything the tuple has.
 */
export function encodeTuple(
  w: NlWriter,
  type: number,
  tuple: Partial<Tuple>,
  parts: {
    src?: boolean;
    dst?: boolean;
    proto?: boolean;
    srcPort?: boolean;
    dstPort?: boolean;
    zone?: boolean;
  } = {},
): void {
  const want = (k: keyof typeof parts, present: boolean) => (parts[k] ?? true) && present;
  const nest = w.nestStart(type);
  const v6 = (tuple.src ?? tuple.dst ?? '').includes(':');
  if (want('src', tuple.src !== undefined) || want('dst', tuple.dst !== undefined)) {
    const ip = w.nestStart(CTA_TUPLE_IP);
    if (want('src', tuple.src !== undefined))
      w.bytes(v6 ? CTA_IP_V6_SRC : CTA_IP_V4_SRC, addressBytes(tuple.src!));
    if (want('dst', tuple.dst !== undefined))
      w.bytes(v6 ? CTA_IP_V6_DST : CTA_IP_V4_DST, addressBytes(tuple.dst!));
    w.nestEnd(ip);
  }
  if (want('proto', tuple.proto !== undefined)) {
    const p = w.nestStart(CTA_TUPLE_PROTO);
    w.u8(CTA_PROTO_NUM, tuple.proto!);
    if (want('srcPort', tuple.srcPort !== undefined)) w.be16(CTA_PROTO_SRC_PORT, tuple.srcPort!);
    if (want('dstPort', tuple.dstPort !== undefined)) w.be16(CTA_PROTO_DST_PORT, tuple.dstPort!);
    const icmp6 = tuple.proto === IPPROTO.ICMPV6;
    if (tuple.icmpId !== undefined)
      w.be16(icmp6 ? CTA_PROTO_ICMPV6_ID : CTA_PROTO_ICMP_ID, tuple.icmpId);
    if (tuple.icmpType !== undefined)
      w.u8(icmp6 ? CTA_PROTO_ICMPV6_TYPE : CTA_PROTO_ICMP_TYPE, tuple.icmpType);
    if (tuple.icmpCode !== undefined)
      w.u8(icmp6 ? CTA_PROTO_ICMPV6_CODE : CTA_PROTO_ICMP_CODE, tuple.icmpCode);
    w.nestEnd(p);
  }
  if (want('zone', tuple.zone !== undefined)) w.be16(CTA_TUPLE_ZONE, tuple.zone!);
  w.nestEnd(nest);
}
