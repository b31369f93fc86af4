// NFT_MSG_GETSET for one named set, and the NFT_MSG_NEWSET message that answers it: the set's
// flags, key type and length, default timeout. Encode and decode side by side.
import {
  NFNETLINK_V0,
  NFNL_SUBSYS_NFTABLES,
  NLM_F_ACK,
  NLM_F_REQUEST,
  nfnlMsgType,
} from '../constants.js';
import { AttrTable } from '../attr.js';
import type { NlMsgView } from '../message.js';
import type { NlWriter } from '../writer.js';
import {
  NFT_MSG_GETSET,
  NFTA_SET_COUNT,
  NFTA_SET_FLAGS,
  NFTA_SET_KEY_LEN,
  NFTA_SET_KEY_TYPE,
  NFTA_SET_MAX,
  NFTA_SET_NAME,
  NFTA_SET_TABLE,
  NFTA_SET_TIMEOUT,
} from './constants.js';
import { nftKeyTypeOf, type NftKeyTypeName } from './key-types.js';

export interface NftSetInfo {
  /** NFPROTO_* of the table. */
  family: number;
  table: string;
  name: string;
  /** NFT_SET_* flags (NFT_SET_TIMEOUT: elements may carry timeouts). */
  flags: number;
  /** NFTA_SET_KEY_TYPE as nft stored it, and NFTA_SET_KEY_LEN in bytes. */
  keyTypeId: number;
  keyLength: number;
  /** The key type, when it is one of NFT_KEY_TYPES. */
  key?: NftKeyTypeName;
  /** The set's default element timeout (ms), when it has one. */
  timeoutMs?: number;
  /** Number of elements (NFTA_SET_COUNT), on kernels that report it. */
  count?: number;
}

/** Appends a NFT_MSG_GETSET request for one set (answered by one NFT_MSG_NEWSET, then the ACK). */
export function writeNftGetSet(
  w: NlWriter,
  seq: number,
  family: number,
  table: string,
  set: string,
): NlWriter {
  return w
    .begin(nfnlMsgType(NFNL_SUBSYS_NFTABLES, NFT_MSG_GETSET), NLM_F_REQUEST | NLM_F_ACK, seq)
    .nfgenmsg(family, NFNETLINK_V0, 0)
    .string(NFTA_SET_TABLE, table)
    .string(NFTA_SET_NAME, set)
    .end();
}

const setTable = new AttrTable(NFTA_SET_MAX);

export function decodeNftSetInfo(m: NlMsgView): NftSetInfo {
  const t = setTable.parseOrThrow(m.buf, m.nfAttrOffset, m.end);
  const info: NftSetInfo = {
    family: m.nfgenFamily,
    table: t.string(NFTA_SET_TABLE) ?? '',
    name: t.string(NFTA_SET_NAME) ?? '',
    flags: t.be32(NFTA_SET_FLAGS),
    keyTypeId: t.be32(NFTA_SET_KEY_TYPE),
    keyLength: t.be32(NFTA_SET_KEY_LEN),
  };
  const key = nftKeyTypeOf(info.keyTypeId, info.keyLength);
  if (key) info.key = key.name;
  if (t.has(NFTA_SET_TIMEOUT)) info.timeoutMs = Number(t.be64(NFTA_SET_TIMEOUT));
  if (t.has(NFTA_SET_COUNT)) info.count = t.be32(NFTA_SET_COUNT);
  return info;
}
