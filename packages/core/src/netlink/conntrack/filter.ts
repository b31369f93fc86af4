// Kernel-side dump filters: CTA_MARK + CTA_MARK_MASK, CTA_STATUS + CTA_STATUS_MASK, CTA_ZONE,
// and CTA_FILTER (flags in host byte order) with partial CTA_TUPLE_ORIG / CTA_TUPLE_REPLY.
// The kernel evaluates them while dumping, so a large table never crosses into user space.
// encodeDumpFilter writes them into a dump request; decodeDumpFilter reads them back (what
// ctnetlink_alloc_filter reads), for the fake kernel and tests.
import { formatIpv4, formatIpv6 } from '../../wire/address.js';
import { AttrTable } from '../attr.js';
import type { NlWriter } from '../writer.js';
import {
  CTA_FILTER,
  CTA_FILTER_FLAG_CTA_IP_DST,
  CTA_FILTER_FLAG_CTA_IP_SRC,
  CTA_FILTER_FLAG_CTA_PROTO_DST_PORT,
  CTA_FILTER_FLAG_CTA_PROTO_NUM,
  CTA_FILTER_FLAG_CTA_PROTO_SRC_PORT,
  CTA_FILTER_FLAG_CTA_TUPLE_ZONE,
  CTA_FILTER_ORIG_FLAGS,
  CTA_FILTER_REPLY_FLAGS,
  CTA_IP_MAX,
  CTA_IP_V4_DST,
  CTA_IP_V4_SRC,
  CTA_IP_V6_DST,
  CTA_IP_V6_SRC,
  CTA_MARK,
  CTA_MARK_MASK,
  CTA_MAX,
  CTA_PROTO_DST_PORT,
  CTA_PROTO_MAX,
  CTA_PROTO_NUM,
  CTA_PROTO_SRC_PORT,
  CTA_STATUS,
  CTA_STATUS_MASK,
  CTA_TUPLE_IP,
  CTA_TUPLE_MAX,
  CTA_TUPLE_ORIG,
  CTA_TUPLE_PROTO,
  CTA_TUPLE_REPLY,
  CTA_TUPLE_ZONE,
  CTA_ZONE,
} from './constants.js';
import { encodeTuple, type Tuple } from './tuple.js';

/** Fields of a tuple to match exactly; an omitted field matches anything. */
export type TupleMatch = Partial<
  Pick<Tuple, 'src' | 'dst' | 'proto' | 'srcPort' | 'dstPort' | 'zone'>
>;

export interface DumpFilter {
  /** (ct mark & mask) == value; mask defaults to all ones. */
  mark?: { value: number; mask?: number };
  /** (status & mask) == value; mask defaults to value (the kernel rejects mask 0). */
  status?: { value: number; mask?: number };
  zone?: number;
  /** Exact fields of the original tuple (CTA_FILTER; needs Linux 5.8 and a family other than "all"). */
  orig?: TupleMatch;
  /** Exact fields of the reply tuple (CTA_FILTER). */
  reply?: TupleMatch;
}

function tupleFlags(m: TupleMatch | undefined): number {
  if (!m) return 0;
  let f = 0;
  if (m.src !== undefined) f |= CTA_FILTER_FLAG_CTA_IP_SRC;
  if (m.dst !== undefined) f |= CTA_FILTER_FLAG_CTA_IP_DST;
  if (m.zone !== undefined) f |= CTA_FILTER_FLAG_CTA_TUPLE_ZONE;
  // ports need the protocol: the kernel parses them with the l4 protocol's own parser
  if (m.proto !== undefined || m.srcPort !== undefined || m.dstPort !== undefined)
    f |= CTA_FILTER_FLAG_CTA_PROTO_NUM;
  if (m.srcPort !== undefined) f |= CTA_FILTER_FLAG_CTA_PROTO_SRC_PORT;
  if (m.dstPort !== undefined) f |= CTA_FILTER_FLAG_CTA_PROTO_DST_PORT;
  return f;
}

/** True when the filter needs CTA_FILTER (tuple matching). */
export function usesTupleFilter(f: DumpFilter | undefined): boolean {
  return tupleFlags(f?.orig) !== 0 || tupleFlags(f?.reply) !== 0;
}

function checked(m: TupleMatch): TupleMatch {
  if ((m.srcPort !== undefined || m.dstPort !== undefined) && m.proto === undefined) {
    throw new RangeError('a conntrack port filter needs the protocol (proto) too');
  }
  return m;
}

/** Writes the filter's attributes into a CT_GET dump request. */
export function encodeDumpFilter(w: NlWriter, f: DumpFilter): void {
  if (f.mark) {
    w.be32(CTA_MARK, f.mark.value);
    w.be32(CTA_MARK_MASK, f.mark.mask ?? 0xffffffff);
  }
  if (f.status) {
    w.be32(CTA_STATUS, f.status.value);
    w.be32(CTA_STATUS_MASK, f.status.mask ?? f.status.value);
  }
  if (f.zone !== undefined) w.be16(CTA_ZONE, f.zone);
  const of = tupleFlags(f.orig);
  const rf = tupleFlags(f.reply);
  if (of === 0 && rf === 0) return;
  const n = w.nestStart(CTA_FILTER);
  w.u32h(CTA_FILTER_ORIG_FLAGS, of);
  w.u32h(CTA_FILTER_REPLY_FLAGS, rf);
  w.nestEnd(n);
  if (of) encodeTuple(w, CTA_TUPLE_ORIG, checked(f.orig!));
  if (rf) encodeTuple(w, CTA_TUPLE_REPLY, checked(f.reply!));
}

const requestTable = new AttrTable(CTA_MAX);
const flagsTable = new AttrTable(CTA_FILTER_REPLY_FLAGS);
const tupleTable = new AttrTable(CTA_TUPLE_MAX);
const ipTable = new AttrTable(CTA_IP_MAX);
const protoTable = new AttrTable(CTA_PROTO_MAX);

function address(t: AttrTable, v4: number, v6: number): string | undefined {
  if (t.length(v4) === 4) return formatIpv4(t.buf, t.offset(v4));
  if (t.length(v6) === 16) return formatIpv6(t.buf, t.offset(v6));
  return undefined;
}

/** The fields a partial tuple `b[start, end)` carries. */
function decodeTupleMatch(b: Uint8Array, start: number, end: number): TupleMatch {
  const t = tupleTable.parseOrThrow(b, start, end);
  const m: TupleMatch = {};
  if (t.nested(CTA_TUPLE_IP, ipTable)) {
    const src = address(ipTable, CTA_IP_V4_SRC, CTA_IP_V6_SRC);
    const dst = address(ipTable, CTA_IP_V4_DST, CTA_IP_V6_DST);
    if (src !== undefined) m.src = src;
    if (dst !== undefined) m.dst = dst;
  }
  if (t.nested(CTA_TUPLE_PROTO, protoTable)) {
    if (protoTable.has(CTA_PROTO_NUM)) m.proto = protoTable.u8(CTA_PROTO_NUM);
    if (protoTable.has(CTA_PROTO_SRC_PORT)) m.srcPort = protoTable.be16(CTA_PROTO_SRC_PORT);
    if (protoTable.has(CTA_PROTO_DST_PORT)) m.dstPort = protoTable.be16(CTA_PROTO_DST_PORT);
  }
  if (t.has(CTA_TUPLE_ZONE)) m.zone = t.be16(CTA_TUPLE_ZONE);
  return m;
}

/**
 * Reads the filter of a dump request's attributes `b[start, end)`: the inverse of
 * encodeDumpFilter, with the masks it defaulted spelled out. Throws NetlinkDecodeError.
 */
export function decodeDumpFilter(b: Uint8Array, start: number, end: number): DumpFilter {
  const t = requestTable.parseOrThrow(b, start, end);
  const f: DumpFilter = {};
  if (t.has(CTA_MARK)) f.mark = { value: t.be32(CTA_MARK), mask: t.be32(CTA_MARK_MASK) };
  if (t.has(CTA_STATUS)) f.status = { value: t.be32(CTA_STATUS), mask: t.be32(CTA_STATUS_MASK) };
  if (t.has(CTA_ZONE)) f.zone = t.be16(CTA_ZONE);
  if (!t.nested(CTA_FILTER, flagsTable)) return f;
  const tuple = (type: number) =>
    decodeTupleMatch(b, t.offset(type), t.offset(type) + t.length(type));
  if (flagsTable.u32h(CTA_FILTER_ORIG_FLAGS) !== 0 && t.has(CTA_TUPLE_ORIG))
    f.orig = tuple(CTA_TUPLE_ORIG);
  if (flagsTable.u32h(CTA_FILTER_REPLY_FLAGS) !== 0 && t.has(CTA_TUPLE_REPLY))
    f.reply = tuple(CTA_TUPLE_REPLY);
  return f;
}
