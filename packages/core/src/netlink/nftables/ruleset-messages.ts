// The nf_tables messages that make and remove a table of our own, one per object, each written
// into a batch (see ruleset-batch.ts): NFT_MSG_NEWTABLE with its comment, NEWCHAIN for a base
// chain, NEWSET for a set keyed by flow tuples, NEWSETELEM with its first elements, NEWRULE with
// its expressions and comment, DELTABLE. Attributes as libnftnl writes them for the same nft
// script, so the kernel (and `nft list`) cannot tell the two apart.
import {
  NFNETLINK_V0,
  NFNL_SUBSYS_NFTABLES,
  NLM_F_APPEND,
  NLM_F_CREATE,
  NLM_F_REQUEST,
  nfnlMsgType,
} from '../constants.js';
import type { NlWriter } from '../writer.js';
import {
  NFTA_CHAIN_HOOK,
  NFTA_CHAIN_NAME,
  NFTA_CHAIN_POLICY,
  NFTA_CHAIN_TABLE,
  NFTA_CHAIN_TYPE,
  NFTA_DATA_VALUE,
  NFTA_HOOK_HOOKNUM,
  NFTA_HOOK_PRIORITY,
  NFTA_LIST_ELEM,
  NFTA_RULE_CHAIN,
  NFTA_RULE_EXPRESSIONS,
  NFTA_RULE_TABLE,
  NFTA_RULE_USERDATA,
  NFTA_SET_ELEM_KEY,
  NFTA_SET_ELEM_LIST_ELEMENTS,
  NFTA_SET_ELEM_LIST_SET,
  NFTA_SET_ELEM_LIST_SET_ID,
  NFTA_SET_ELEM_LIST_TABLE,
  NFTA_SET_ELEM_TIMEOUT,
  NFTA_SET_FLAGS,
  NFTA_SET_ID,
  NFTA_SET_KEY_LEN,
  NFTA_SET_KEY_TYPE,
  NFTA_SET_NAME,
  NFTA_SET_TABLE,
  NFTA_SET_USERDATA,
  NFTA_TABLE_FLAGS,
  NFTA_TABLE_NAME,
  NFTA_TABLE_USERDATA,
  NFTNL_UDATA_RULE_COMMENT,
  NFTNL_UDATA_TABLE_COMMENT,
  NFT_MSG_DELSETELEM,
  NFT_MSG_DELTABLE,
  NFT_MSG_NEWCHAIN,
  NFT_MSG_NEWRULE,
  NFT_MSG_NEWSET,
  NFT_MSG_NEWSETELEM,
  NFT_MSG_NEWTABLE,
} from './constants.js';
import {
  encodeNftTuple,
  NFT_TUPLE_SET_USERDATA,
  type NftTuple,
  type NftTupleKeyType,
} from './tuple-key.js';

/** Where a message goes: its family (NFPROTO_*) and table. */
export interface NftTableRef {
  family: number;
  table: string;
}

function begin(w: NlWriter, msg: number, flags: number, seq: number, family: number): NlWriter {
  return w
    .begin(nfnlMsgType(NFNL_SUBSYS_NFTABLES, msg), NLM_F_REQUEST | flags, seq)
    .nfgenmsg(family, NFNETLINK_V0, 0);
}

/** One libnftnl user-data TLV (u8 type, u8 length, value): how nft stores comments. */
export function userDataTlv(type: number, text: string): Uint8Array {
  const value = Buffer.from(text + '\0', 'utf8');
  if (value.length > 0xff) throw new RangeError(`comment of ${value.length - 1} bytes is over 254`);
  const out = new Uint8Array(2 + value.length);
  out[0] = type;
  out[1] = value.length;
  out.set(value, 2);
  return out;
}

/** NFT_MSG_NEWTABLE: the table, with a comment (NLM_F_CREATE: an existing one is kept). */
export function writeNewTable(w: NlWriter, seq: number, ref: NftTableRef, comment: string): void {
  begin(w, NFT_MSG_NEWTABLE, NLM_F_CREATE, seq, ref.family)
    .string(NFTA_TABLE_NAME, ref.table)
    .be32(NFTA_TABLE_FLAGS, 0)
    .bytes(NFTA_TABLE_USERDATA, userDataTlv(NFTNL_UDATA_TABLE_COMMENT, comment));
}

/** NFT_MSG_DELTABLE: the table and everything in it. */
export function writeDelTable(w: NlWriter, seq: number, ref: NftTableRef): void {
  begin(w, NFT_MSG_DELTABLE, 0, seq, ref.family).string(NFTA_TABLE_NAME, ref.table);
}

/** NFT_MSG_NEWCHAIN: `type filter hook HOOK priority PRIORITY; policy POLICY;`. */
export function writeNewBaseChain(
  w: NlWriter,
  seq: number,
  ref: NftTableRef,
  chain: { name: string; hook: number; priority: number; policy: number },
): void {
  begin(w, NFT_MSG_NEWCHAIN, NLM_F_CREATE, seq, ref.family)
    .string(NFTA_CHAIN_TABLE, ref.table)
    .string(NFTA_CHAIN_NAME, chain.name)
    .string(NFTA_CHAIN_TYPE, 'filter')
    .be32(NFTA_CHAIN_POLICY, chain.policy);
  const hook = w.nestStart(NFTA_CHAIN_HOOK);
  w.be32(NFTA_HOOK_HOOKNUM, chain.hook);
  w.be32(NFTA_HOOK_PRIORITY, chain.priority);
  w.nestEnd(hook);
}

/** A set keyed by flow tuples, and the batch-local id later messages refer to it by. */
export interface NftTupleSet {
  name: string;
  id: number;
  type: NftTupleKeyType;
  /** NFT_SET_* flags (NFT_SET_TIMEOUT for per-element timeouts). */
  flags: number;
}

/** NFT_MSG_NEWSET. */
export function writeNewTupleSet(
  w: NlWriter,
  seq: number,
  ref: NftTableRef,
  set: NftTupleSet,
): void {
  begin(w, NFT_MSG_NEWSET, NLM_F_CREATE, seq, ref.family)
    .string(NFTA_SET_TABLE, ref.table)
    .string(NFTA_SET_NAME, set.name)
    .be32(NFTA_SET_FLAGS, set.flags)
    .be32(NFTA_SET_KEY_TYPE, set.type.typeId)
    .be32(NFTA_SET_KEY_LEN, set.type.length)
    .be32(NFTA_SET_ID, set.id)
    .bytes(NFTA_SET_USERDATA, NFT_TUPLE_SET_USERDATA);
}

/** A tuple with its timeout (ms; absent: none). */
export interface NftTupleElement extends NftTuple {
  timeoutMs?: number;
}

/**
 * Bytes one element can take at most: its nest (4), a timeout (12), the key's nest and value
 * headers (8) and the key.
 */
export function tupleElementBytes(type: NftTupleKeyType): number {
  return 4 + 12 + 8 + type.length;
}

/** Elements per message: the element list is one attribute, whose length is a u16. */
export function tupleElementsPerMessage(type: NftTupleKeyType): number {
  return Math.floor((0xffff - 64) / tupleElementBytes(type));
}

/**
 * NFT_MSG_NEWSETELEM (or DELSETELEM) with `elements` (at most tupleElementsPerMessage). Returns
 * null, or the index and reason of the first tuple that does not fit the set; the writer then
 * holds a partial message and must be discarded.
 */
export function writeTupleElements(
  w: NlWriter,
  seq: number,
  ref: NftTableRef,
  set: { name: string; id?: number; type: NftTupleKeyType },
  op: 'add' | 'delete',
  elements: readonly NftTupleElement[],
): { index: number; reason: string } | null {
  const key = new Uint8Array(set.type.length);
  begin(
    w,
    op === 'add' ? NFT_MSG_NEWSETELEM : NFT_MSG_DELSETELEM,
    op === 'add' ? NLM_F_CREATE : 0,
    seq,
    ref.family,
  )
    .string(NFTA_SET_ELEM_LIST_TABLE, ref.table)
    .string(NFTA_SET_ELEM_LIST_SET, set.name);
  if (set.id !== undefined) w.be32(NFTA_SET_ELEM_LIST_SET_ID, set.id);
  const list = w.nestStart(NFTA_SET_ELEM_LIST_ELEMENTS);
  for (let i = 0; i < elements.length; i++) {
    const e = elements[i];
    const reason = encodeNftTuple(set.type, e, key, 0);
    if (reason) return { index: i, reason };
    const elem = w.nestStart(NFTA_LIST_ELEM);
    if (op === 'add' && e.timeoutMs !== undefined)
      w.be64Number(NFTA_SET_ELEM_TIMEOUT, Math.max(0, Math.round(e.timeoutMs)));
    const k = w.nestStart(NFTA_SET_ELEM_KEY);
    w.bytes(NFTA_DATA_VALUE, key);
    w.nestEnd(k);
    w.nestEnd(elem);
  }
  w.nestEnd(list);
  return null;
}

/**
 * NFT_MSG_NEWRULE appended to `chain`: `expressions` writes the rule's expressions (see
 * expressions.ts), then the comment follows.
 */
export function writeNewRule(
  w: NlWriter,
  seq: number,
  ref: NftTableRef,
  chain: string,
  comment: string,
  expressions: (w: NlWriter) => void,
): void {
  begin(w, NFT_MSG_NEWRULE, NLM_F_CREATE | NLM_F_APPEND, seq, ref.family)
    .string(NFTA_RULE_TABLE, ref.table)
    .string(NFTA_RULE_CHAIN, chain);
  const list = w.nestStart(NFTA_RULE_EXPRESSIONS);
  expressions(w);
  w.nestEnd(list);
  w.bytes(NFTA_RULE_USERDATA, userDataTlv(NFTNL_UDATA_RULE_COMMENT, comment));
}
