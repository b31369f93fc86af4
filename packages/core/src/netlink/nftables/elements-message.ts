// NFT_MSG_{NEW,DEL,DESTROY}SETELEM requests (one message of a batch) and the NFT_MSG_NEWSETELEM
// messages a NFT_MSG_GETSETELEM dump answers with. Encode and decode side by side.
//
//   nlmsghdr  type NFNL_SUBSYS_NFTABLES << 8 | NFT_MSG_*SETELEM, flags NLM_F_REQUEST [| CREATE | EXCL]
//   nfgenmsg  family NFPROTO_*, version NFNETLINK_V0, res_id 0
//   NFTA_SET_ELEM_LIST_TABLE     string
//   NFTA_SET_ELEM_LIST_SET       string
//   NFTA_SET_ELEM_LIST_ELEMENTS  { NFTA_LIST_ELEM { … } … }   (absent: the whole set, a flush)
import { NFNETLINK_V0, NFNL_SUBSYS_NFTABLES, NLM_F_REQUEST, nfnlMsgType } from '../constants.js';
import { AttrTable, forEachAttr } from '../attr.js';
import { malformedAt, NetlinkDecodeError } from '../errors.js';
import type { NlMsgView } from '../message.js';
import type { NlWriter } from '../writer.js';
import {
  NFTA_LIST_ELEM,
  NFTA_SET_ELEM_LIST_ELEMENTS,
  NFTA_SET_ELEM_LIST_MAX,
  NFTA_SET_ELEM_LIST_SET,
  NFTA_SET_ELEM_LIST_TABLE,
} from './constants.js';
import {
  decodeNftElement,
  writeNftElement,
  type NftElement,
  type NftListedElement,
} from './element.js';
import type { NftKeyType } from './key-types.js';

/** Where the parts of one written message sit, as offsets from its nlmsghdr (for extended ACKs). */
export interface NftElementsLayout {
  tableOffset: number;
  setOffset: number;
  /** Offset of each element nest, in the order written. */
  elementOffsets: number[];
}

export interface NftElementsRequest {
  /** NFT_MSG_NEWSETELEM, NFT_MSG_DELSETELEM or NFT_MSG_DESTROYSETELEM. */
  msg: number;
  /** Added to NLM_F_REQUEST: NLM_F_CREATE (and NLM_F_EXCL) for adds. */
  flags: number;
  seq: number;
  family: number;
  table: string;
  set: string;
  type: NftKeyType;
  /** Absent: no NFTA_SET_ELEM_LIST_ELEMENTS, which deletes every element (a flush). */
  elements?: readonly NftElement[];
  /** Write NFTA_SET_ELEM_TIMEOUT for elements that have one (adds). */
  withTimeouts: boolean;
  /** At least type.length bytes, reused. */
  scratch: Uint8Array;
}

/**
 * Appends one message to `w` (which may hold a batch). Returns where its parts sit, or the index
 * and reason of the first invalid element — then the writer holds a partial message and must be
 * discarded.
 */
export function writeNftElementsMessage(
  w: NlWriter,
  r: NftElementsRequest,
): NftElementsLayout | { index: number; reason: string } {
  const start = w.length;
  w.begin(nfnlMsgType(NFNL_SUBSYS_NFTABLES, r.msg), NLM_F_REQUEST | r.flags, r.seq).nfgenmsg(
    r.family,
    NFNETLINK_V0,
    0,
  );
  const tableOffset = w.length - start;
  w.string(NFTA_SET_ELEM_LIST_TABLE, r.table);
  const setOffset = w.length - start;
  w.string(NFTA_SET_ELEM_LIST_SET, r.set);
  const elementOffsets: number[] = [];
  if (r.elements) {
    const list = w.nestStart(NFTA_SET_ELEM_LIST_ELEMENTS);
    for (let i = 0; i < r.elements.length; i++) {
      elementOffsets.push(w.length - start);
      const fault = writeNftElement(w, r.type, r.elements[i], r.withTimeouts, r.scratch);
      if (fault) return { index: i, reason: fault };
    }
    w.nestEnd(list);
  }
  w.end();
  return { tableOffset, setOffset, elementOffsets };
}

/** What one NFT_MSG_NEWSETELEM dump message holds. */
export interface NftElementsReply {
  table: string;
  set: string;
  elements: NftListedElement[];
}

const listTable = new AttrTable(NFTA_SET_ELEM_LIST_MAX);

/** Decodes a NFT_MSG_NEWSETELEM message of a set keyed by `type`; skips the catch-all element. */
export function decodeNftElementsMessage(m: NlMsgView, type: NftKeyType): NftElementsReply {
  const t = listTable.parseOrThrow(m.buf, m.nfAttrOffset, m.end);
  const out: NftElementsReply = {
    table: t.string(NFTA_SET_ELEM_LIST_TABLE) ?? '',
    set: t.string(NFTA_SET_ELEM_LIST_SET) ?? '',
    elements: [],
  };
  if (!t.has(NFTA_SET_ELEM_LIST_ELEMENTS)) return out;
  const start = t.offset(NFTA_SET_ELEM_LIST_ELEMENTS);
  const buf = m.buf;
  forEachAttr(buf, start, start + t.length(NFTA_SET_ELEM_LIST_ELEMENTS), (attrType, off, len) => {
    if (attrType !== NFTA_LIST_ELEM)
      throw new NetlinkDecodeError(
        malformedAt(off - 4, {
          kind: 'unexpected-attribute',
          container: 'a set element list',
          attrType,
        }),
      );
    const e = decodeNftElement(buf, off, off + len, type);
    if (e) out.elements.push(e);
  });
  return out;
}
