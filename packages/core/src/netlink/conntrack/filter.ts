// Kernel-side dump filters: CTA_MARK + CTA_MARK_MASK, CTA_STATUS + CTA_STATUS_MASK, CTA_ZONE,
// and CTA_FILTER (flags in host byte order) with partial CTA_TUPLE_ORIG / CTA_TUPLE_REPLY.
// The kernel evaluates them while dumping, so a large table never crosses into user space.
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
  CTA_MARK,
  CTA_MARK_MASK,
  CTA_STATUS,
  CTA_STATUS_MASK,
  CTA_TUPLE_ORIG,
  CTA_TUPLE_REPLY,
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
