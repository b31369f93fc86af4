// NFQNL_MSG_VERDICT and NFQNL_MSG_VERDICT_BATCH, written straight into a caller-owned buffer so
// the verdict path allocates nothing: several messages go out as one datagram, which the kernel
// walks message by message (netlink_rcv_skb).
//
//   NFQA_VERDICT_HDR  { be32 verdict; be32 id; }   (a batch: every queued id ≤ id, serial order)
//   NFQA_MARK         be32: sets skb->mark
//   NFQA_CT           nested { CTA_MARK be32 }: sets the connection's mark (needs the queue's
//                     CONNTRACK flag; VERDICT_BATCH accepts only NFQA_MARK)
import { be32, putBe32 } from '../../bytes/endian.js';
import { AttrTable } from '../attr.js';
import {
  AF_UNSPEC,
  NFNETLINK_V0,
  NFNL_SUBSYS_QUEUE,
  NLA_F_NESTED,
  NLM_F_REQUEST,
  nfnlMsgType,
} from '../constants.js';
import { CTA_MARK, CTA_MAX } from '../conntrack/constants.js';
import { malformedAt, NetlinkDecodeError } from '../errors.js';
import { putU16h } from '../host-order.js';
import {
  forEachMessage,
  NFGENMSG_LEN,
  NLMSG_HDRLEN,
  NlMsgView,
  putNfGenMsg,
  putNlMsgHeader,
} from '../message.js';
import {
  NFQA_CT,
  NFQA_MARK,
  NFQA_MAX,
  NFQA_VERDICT_HDR,
  NFQNL_MSG_VERDICT,
  NFQNL_MSG_VERDICT_BATCH,
} from './constants.js';

export const NFQ_VERDICT_TYPE = nfnlMsgType(NFNL_SUBSYS_QUEUE, NFQNL_MSG_VERDICT);
export const NFQ_VERDICT_BATCH_TYPE = nfnlMsgType(NFNL_SUBSYS_QUEUE, NFQNL_MSG_VERDICT_BATCH);

/** No mark attribute: leave skb->mark (or the connmark) as it is. */
export const KEEP_MARK = -1;

const BASE = NLMSG_HDRLEN + NFGENMSG_LEN;
const VERDICT_HDR_ATTR = 4 + 8;
const MARK_ATTR = 4 + 4;
const CT_MARK_NEST = 4 + MARK_ATTR;
/** The longest message writeVerdict produces. */
export const MAX_VERDICT_MESSAGE = BASE + VERDICT_HDR_ATTR + MARK_ATTR + CT_MARK_NEST;

function putAttrHeader(b: Uint8Array, o: number, len: number, type: number): void {
  putU16h(b, o, len);
  putU16h(b, o + 2, type);
}

/**
 * Writes one NFQNL_MSG_VERDICT for packet `id` of `queue` at `b[off]` and returns the offset after
 * it. `mark` / `connmark` of KEEP_MARK (-1) leave that mark alone. The caller makes sure
 * MAX_VERDICT_MESSAGE bytes fit.
 */
export function writeVerdict(
  b: Uint8Array,
  off: number,
  queue: number,
  id: number,
  verdict: number,
  mark: number,
  connmark: number,
): number {
  return writeMessage(b, off, NFQ_VERDICT_TYPE, queue, id, verdict, mark, connmark);
}

/** Writes one NFQNL_MSG_VERDICT_BATCH: `verdict` (and `mark`) for every queued id ≤ `maxId`. */
export function writeBatchVerdict(
  b: Uint8Array,
  off: number,
  queue: number,
  maxId: number,
  verdict: number,
  mark: number,
): number {
  return writeMessage(b, off, NFQ_VERDICT_BATCH_TYPE, queue, maxId, verdict, mark, KEEP_MARK);
}

function writeMessage(
  b: Uint8Array,
  off: number,
  type: number,
  queue: number,
  id: number,
  verdict: number,
  mark: number,
  connmark: number,
): number {
  const len =
    BASE + VERDICT_HDR_ATTR + (mark >= 0 ? MARK_ATTR : 0) + (connmark >= 0 ? CT_MARK_NEST : 0);
  putNlMsgHeader(b, off, len, type, NLM_F_REQUEST, 0, 0);
  putNfGenMsg(b, off + NLMSG_HDRLEN, AF_UNSPEC, NFNETLINK_V0, queue);
  let o = off + BASE;
  putAttrHeader(b, o, VERDICT_HDR_ATTR, NFQA_VERDICT_HDR);
  putBe32(b, o + 4, verdict >>> 0);
  putBe32(b, o + 8, id >>> 0);
  o += VERDICT_HDR_ATTR;
  if (mark >= 0) {
    putAttrHeader(b, o, MARK_ATTR, NFQA_MARK);
    putBe32(b, o + 4, mark >>> 0);
    o += MARK_ATTR;
  }
  if (connmark >= 0) {
    putAttrHeader(b, o, CT_MARK_NEST, NFQA_CT | NLA_F_NESTED);
    putAttrHeader(b, o + 4, MARK_ATTR, CTA_MARK);
    putBe32(b, o + 8, connmark >>> 0);
    o += CT_MARK_NEST;
  }
  return o;
}

/** A verdict message as a value (what the kernel's nfqnl_recv_verdict reads), for tests. */
export interface ParsedVerdict {
  batch: boolean;
  queue: number;
  /** The packet id, or for a batch the highest id it covers. */
  id: number;
  verdict: number;
  /** KEEP_MARK when absent. */
  mark: number;
  connmark: number;
}

const verdictTable = new AttrTable(NFQA_MAX);
const ctTable = new AttrTable(CTA_MAX);

/** Decodes every verdict message in a datagram. */
export function parseVerdicts(b: Uint8Array, len = b.length): ParsedVerdict[] {
  const out: ParsedVerdict[] = [];
  forEachMessage(b, len, new NlMsgView(), (m) => {
    if (m.type !== NFQ_VERDICT_TYPE && m.type !== NFQ_VERDICT_BATCH_TYPE)
      throw new NetlinkDecodeError(
        malformedAt(m.off, { kind: 'unexpected-type', type: m.type, expected: 'a verdict' }),
      );
    const t = verdictTable.parseOrThrow(b, m.nfAttrOffset, m.end);
    const h = t.offset(NFQA_VERDICT_HDR);
    if (h < 0 || t.length(NFQA_VERDICT_HDR) < 8)
      throw new NetlinkDecodeError(
        malformedAt(m.off, { kind: 'missing', container: 'verdict', part: 'NFQA_VERDICT_HDR' }),
      );
    let connmark = KEEP_MARK;
    if (t.nested(NFQA_CT, ctTable) && ctTable.has(CTA_MARK)) connmark = ctTable.be32(CTA_MARK);
    out.push({
      batch: m.type === NFQ_VERDICT_BATCH_TYPE,
      queue: m.nfgenResId,
      verdict: be32(b, h),
      id: be32(b, h + 4),
      mark: t.has(NFQA_MARK) ? t.be32(NFQA_MARK) : KEEP_MARK,
      connmark,
    });
  });
  return out;
}
