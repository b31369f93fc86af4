// NFT_MSG_GETTABLE and NFT_MSG_GETCHAIN dumps, and the NFT_MSG_NEWTABLE / NFT_MSG_NEWCHAIN messages
// that answer them: which tables and chains exist, and the comment nft keeps in a table's user
// data. Encode and decode side by side; listing.ts sends them.
//
// Why: `nft list tables` is a process, and starting one from a Node process costs several
// milliseconds of the caller's own thread (fork and exec) before nft does anything. A cutter asks
// at every start which tables killed cutters left; the answer is one dump away.
import {
  NFNETLINK_V0,
  NFNL_SUBSYS_NFTABLES,
  NLM_F_DUMP,
  NLM_F_REQUEST,
  nfnlMsgType,
} from '../constants.js';
import { AttrTable } from '../attr.js';
import type { NlMsgView } from '../message.js';
import type { NlWriter } from '../writer.js';
import {
  NFT_MSG_GETCHAIN,
  NFT_MSG_GETTABLE,
  NFTA_CHAIN_MAX,
  NFTA_CHAIN_NAME,
  NFTA_CHAIN_TABLE,
  NFTA_TABLE_FLAGS,
  NFTA_TABLE_MAX,
  NFTA_TABLE_NAME,
  NFTA_TABLE_USERDATA,
  NFTNL_UDATA_TABLE_COMMENT,
} from './constants.js';

export interface NftTableInfo {
  /** NFPROTO_* of the table. */
  family: number;
  name: string;
  /** NFT_TABLE_F_* (dormant, owner, persist). */
  flags: number;
  /** The table's comment, when nft (or anyone using libnftnl's layout) gave it one. */
  comment?: string;
}

export interface NftChainInfo {
  family: number;
  table: string;
  name: string;
}

/** Appends a dump request for every table of `family` (NFPROTO_UNSPEC: of all families). */
export function writeNftTablesDump(w: NlWriter, seq: number, family: number): NlWriter {
  return w
    .begin(nfnlMsgType(NFNL_SUBSYS_NFTABLES, NFT_MSG_GETTABLE), NLM_F_REQUEST | NLM_F_DUMP, seq)
    .nfgenmsg(family, NFNETLINK_V0, 0)
    .end();
}

/** Appends a dump request for the chains of `family`, only those of `table` when given. */
export function writeNftChainsDump(
  w: NlWriter,
  seq: number,
  family: number,
  table?: string,
): NlWriter {
  w.begin(
    nfnlMsgType(NFNL_SUBSYS_NFTABLES, NFT_MSG_GETCHAIN),
    NLM_F_REQUEST | NLM_F_DUMP,
    seq,
  ).nfgenmsg(family, NFNETLINK_V0, 0);
  if (table !== undefined) w.string(NFTA_CHAIN_TABLE, table);
  return w.end();
}

const tableAttrs = new AttrTable(NFTA_TABLE_MAX);
const chainAttrs = new AttrTable(NFTA_CHAIN_MAX);

/** One NFT_MSG_NEWTABLE message; throws NetlinkDecodeError when its attributes are malformed. */
export function decodeNftTable(m: NlMsgView): NftTableInfo {
  const t = tableAttrs.parseOrThrow(m.buf, m.nfAttrOffset, m.end);
  const info: NftTableInfo = {
    family: m.nfgenFamily,
    name: t.string(NFTA_TABLE_NAME) ?? '',
    flags: t.has(NFTA_TABLE_FLAGS) ? t.be32(NFTA_TABLE_FLAGS) : 0,
  };
  const user = t.bytes(NFTA_TABLE_USERDATA);
  const comment = user ? userDataString(user, NFTNL_UDATA_TABLE_COMMENT) : undefined;
  if (comment !== undefined) info.comment = comment;
  return info;
}

/** One NFT_MSG_NEWCHAIN message; throws NetlinkDecodeError when its attributes are malformed. */
export function decodeNftChain(m: NlMsgView): NftChainInfo {
  const t = chainAttrs.parseOrThrow(m.buf, m.nfAttrOffset, m.end);
  return {
    family: m.nfgenFamily,
    table: t.string(NFTA_CHAIN_TABLE) ?? '',
    name: t.string(NFTA_CHAIN_NAME) ?? '',
  };
}

/**
 * The string of TLV `type` in libnftnl's user data (u8 type, u8 length, value; the value of a
 * string NUL-terminated), or undefined when it is missing or the TLVs do not add up.
 */
export function userDataString(b: Uint8Array, type: number): string | undefined {
  for (let o = 0; o + 2 <= b.length;) {
    const len = b[o + 1]!;
    const end = o + 2 + len;
    if (end > b.length) return undefined;
    if (b[o] === type) {
      let e = end;
      const nul = b.indexOf(0, o + 2);
      if (nul >= 0 && nul < e) e = nul;
      return Buffer.from(b.buffer, b.byteOffset + o + 2, e - o - 2).toString('utf8');
    }
    o = end;
  }
  return undefined;
}
