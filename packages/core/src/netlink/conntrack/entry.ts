// One conntrack entry (struct nf_conn as ctnetlink shows it): decode from and encode to the
// attributes after nfgenmsg. Attributes are parsed by type, never by position; unknown ones are
// skipped and absent ones stay undefined.
import { AttrTable } from '../attr.js';
import { malformedAt, NetlinkDecodeError } from '../errors.js';
import { AF_INET, AF_INET6 } from '../constants.js';
import type { NlWriter } from '../writer.js';
import {
  CTA_COUNTERS_ORIG,
  CTA_COUNTERS_REPLY,
  CTA_HELP,
  CTA_HELP_MAX,
  CTA_HELP_NAME,
  CTA_ID,
  CTA_LABELS,
  CTA_MARK,
  CTA_MAX,
  CTA_PROTOINFO,
  CTA_SECCTX,
  CTA_SECCTX_NAME,
  CTA_SEQ_ADJ_ORIG,
  CTA_SEQ_ADJ_REPLY,
  CTA_SEQADJ_CORRECTION_POS,
  CTA_SEQADJ_MAX,
  CTA_SEQADJ_OFFSET_AFTER,
  CTA_SEQADJ_OFFSET_BEFORE,
  CTA_STATUS,
  CTA_SYNPROXY,
  CTA_SYNPROXY_ISN,
  CTA_SYNPROXY_ITS,
  CTA_SYNPROXY_MAX,
  CTA_SYNPROXY_TSOFF,
  CTA_TIMEOUT,
  CTA_TIMESTAMP,
  CTA_TIMESTAMP_EVENT,
  CTA_TUPLE_MASTER,
  CTA_TUPLE_ORIG,
  CTA_TUPLE_REPLY,
  CTA_USE,
  CTA_ZONE,
} from './constants.js';
import {
  decodeCounters,
  decodeTimestamp,
  encodeCounters,
  encodeTimestamp,
  type Counters,
  type Timestamp,
} from './counters.js';
import { decodeProtoInfo, encodeProtoInfo, type ProtoInfo } from './protoinfo.js';
import { decodeTuple, encodeTuple, tupleVersion, type Tuple } from './tuple.js';

/** NAT helper sequence adjustment (CTA_SEQ_ADJ_*): offsets, not the connection's sequence numbers. */
export interface SeqAdj {
  correctionPos: number;
  offsetBefore: number;
  offsetAfter: number;
}

export interface Synproxy {
  isn: number;
  its: number;
  tsoff: number;
}

export interface ConntrackEntry {
  /** nfgenmsg family: AF_INET (2) or AF_INET6 (10). */
  family: number;
  /** CTA_TUPLE_ORIG: as the initiator sent it (before NAT). */
  orig: Tuple;
  /** CTA_TUPLE_REPLY: as the responder sends its replies (after NAT: differs from orig reversed). */
  reply: Tuple;
  /** CTA_TUPLE_MASTER: the connection that expected this one (FTP data and the like). */
  master?: Tuple;
  /** IPS_* bits (CTA_STATUS). */
  status?: number;
  /** Connection mark (CTA_MARK). */
  mark?: number;
  /** CTA_ZONE. */
  zone?: number;
  /** CTA_ID: an opaque id that tells a reused tuple apart; pass it to delete(). */
  id?: number;
  /** CTA_USE: reference count. */
  use?: number;
  /** CTA_TIMEOUT: seconds left. */
  timeout?: number;
  protoinfo?: ProtoInfo;
  countersOrig?: Counters;
  countersReply?: Counters;
  timestamp?: Timestamp;
  /** CTA_TIMESTAMP_EVENT: ns timestamp of the event (events only, 6.x). */
  timestampEvent?: bigint;
  /** CTA_HELP name (ftp, sip, …). */
  helper?: string;
  /** CTA_LABELS: 128-bit label bitmap. */
  labels?: Uint8Array;
  secctx?: string;
  seqAdjOrig?: SeqAdj;
  seqAdjReply?: SeqAdj;
  synproxy?: Synproxy;
}

const entryTable = new AttrTable(CTA_MAX);
const helpTable = new AttrTable(CTA_HELP_MAX);
const seqAdjTable = new AttrTable(CTA_SEQADJ_MAX);
const synproxyTable = new AttrTable(CTA_SYNPROXY_MAX);
const secctxTable = new AttrTable(1);

/** Decodes the nested attribute `type` of `t` with `decode`, or undefined when it is absent. */
function nested<T>(
  t: AttrTable,
  type: number,
  decode: (b: Uint8Array, start: number, end: number) => T,
): T | undefined {
  const off = t.offset(type);
  return off < 0 ? undefined : decode(t.buf, off, off + t.length(type));
}

function seqAdj(t: AttrTable, type: number): SeqAdj | undefined {
  if (!t.nested(type, seqAdjTable)) return undefined;
  return {
    correctionPos: seqAdjTable.be32(CTA_SEQADJ_CORRECTION_POS),
    offsetBefore: seqAdjTable.be32(CTA_SEQADJ_OFFSET_BEFORE),
    offsetAfter: seqAdjTable.be32(CTA_SEQADJ_OFFSET_AFTER),
  };
}

/** Decodes the attributes `b[start, end)` of a CT_NEW/CT_DELETE message of `family`. */
export function decodeEntry(
  b: Uint8Array,
  start: number,
  end: number,
  family: number,
): ConntrackEntry {
  const t = entryTable.parseOrThrow(b, start, end);
  const orig = nested(t, CTA_TUPLE_ORIG, decodeTuple);
  const reply = nested(t, CTA_TUPLE_REPLY, decodeTuple);
  if (!orig || !reply)
    throw new NetlinkDecodeError(
      malformedAt(start, { kind: 'missing', container: 'conntrack entry', part: 'both tuples' }),
    );
  const e: ConntrackEntry = { family, orig, reply };
  const master = nested(t, CTA_TUPLE_MASTER, decodeTuple);
  if (master) e.master = master;
  if (t.has(CTA_STATUS)) e.status = t.be32(CTA_STATUS);
  if (t.has(CTA_MARK)) e.mark = t.be32(CTA_MARK);
  if (t.has(CTA_ZONE)) e.zone = t.be16(CTA_ZONE);
  if (t.has(CTA_ID)) e.id = t.be32(CTA_ID);
  if (t.has(CTA_USE)) e.use = t.be32(CTA_USE);
  if (t.has(CTA_TIMEOUT)) e.timeout = t.be32(CTA_TIMEOUT);
  const protoinfo = nested(t, CTA_PROTOINFO, decodeProtoInfo);
  if (protoinfo) e.protoinfo = protoinfo;
  const countersOrig = nested(t, CTA_COUNTERS_ORIG, decodeCounters);
  if (countersOrig) e.countersOrig = countersOrig;
  const countersReply = nested(t, CTA_COUNTERS_REPLY, decodeCounters);
  if (countersReply) e.countersReply = countersReply;
  const timestamp = nested(t, CTA_TIMESTAMP, decodeTimestamp);
  if (timestamp) e.timestamp = timestamp;
  if (t.has(CTA_TIMESTAMP_EVENT)) e.timestampEvent = t.be64(CTA_TIMESTAMP_EVENT);
  if (t.nested(CTA_HELP, helpTable)) {
    const name = helpTable.string(CTA_HELP_NAME);
    if (name !== undefined) e.helper = name;
  }
  if (t.has(CTA_LABELS)) e.labels = Uint8Array.from(t.bytes(CTA_LABELS)!);
  if (t.nested(CTA_SECCTX, secctxTable)) {
    const name = secctxTable.string(CTA_SECCTX_NAME);
    if (name !== undefined) e.secctx = name;
  }
  const so = seqAdj(t, CTA_SEQ_ADJ_ORIG);
  if (so) e.seqAdjOrig = so;
  const sr = seqAdj(t, CTA_SEQ_ADJ_REPLY);
  if (sr) e.seqAdjReply = sr;
  if (t.nested(CTA_SYNPROXY, synproxyTable)) {
    e.synproxy = {
      isn: synproxyTable.be32(CTA_SYNPROXY_ISN),
      its: synproxyTable.be32(CTA_SYNPROXY_ITS),
      tsoff: synproxyTable.be32(CTA_SYNPROXY_TSOFF),
    };
  }
  return e;
}

function encodeSeqAdj(w: NlWriter, type: number, s: SeqAdj): void {
  const n = w.nestStart(type);
  w.be32(CTA_SEQADJ_CORRECTION_POS, s.correctionPos);
  w.be32(CTA_SEQADJ_OFFSET_BEFORE, s.offsetBefore);
  w.be32(CTA_SEQADJ_OFFSET_AFTER, s.offsetAfter);
  w.nestEnd(n);
}

/** Writes every field `e` has as attributes (the inverse of decodeEntry). */
export function encodeEntry(w: NlWriter, e: ConntrackEntry): void {
  encodeTuple(w, CTA_TUPLE_ORIG, e.orig);
  encodeTuple(w, CTA_TUPLE_REPLY, e.reply);
  if (e.zone !== undefined) w.be16(CTA_ZONE, e.zone);
  if (e.status !== undefined) w.be32(CTA_STATUS, e.status);
  if (e.mark !== undefined) w.be32(CTA_MARK, e.mark);
  if (e.secctx !== undefined) {
    const n = w.nestStart(CTA_SECCTX);
    w.string(CTA_SECCTX_NAME, e.secctx);
    w.nestEnd(n);
  }
  if (e.id !== undefined) w.be32(CTA_ID, e.id);
  if (e.use !== undefined) w.be32(CTA_USE, e.use);
  if (e.master) encodeTuple(w, CTA_TUPLE_MASTER, e.master);
  if (e.timeout !== undefined) w.be32(CTA_TIMEOUT, e.timeout);
  if (e.protoinfo) encodeProtoInfo(w, CTA_PROTOINFO, e.protoinfo);
  if (e.countersOrig) encodeCounters(w, CTA_COUNTERS_ORIG, e.countersOrig);
  if (e.countersReply) encodeCounters(w, CTA_COUNTERS_REPLY, e.countersReply);
  if (e.timestamp) encodeTimestamp(w, CTA_TIMESTAMP, e.timestamp);
  if (e.helper !== undefined) {
    const n = w.nestStart(CTA_HELP);
    w.string(CTA_HELP_NAME, e.helper);
    w.nestEnd(n);
  }
  if (e.labels) w.bytes(CTA_LABELS, e.labels);
  if (e.seqAdjOrig) encodeSeqAdj(w, CTA_SEQ_ADJ_ORIG, e.seqAdjOrig);
  if (e.seqAdjReply) encodeSeqAdj(w, CTA_SEQ_ADJ_REPLY, e.seqAdjReply);
  if (e.synproxy) {
    const n = w.nestStart(CTA_SYNPROXY);
    w.be32(CTA_SYNPROXY_ISN, e.synproxy.isn);
    w.be32(CTA_SYNPROXY_ITS, e.synproxy.its);
    w.be32(CTA_SYNPROXY_TSOFF, e.synproxy.tsoff);
    w.nestEnd(n);
  }
  if (e.timestampEvent !== undefined) w.be64(CTA_TIMESTAMP_EVENT, e.timestampEvent);
}

/** The nfgenmsg family for an entry's addresses. */
export function entryFamily(orig: Pick<Tuple, 'src'>): number {
  return tupleVersion(orig) === 6 ? AF_INET6 : AF_INET;
}
