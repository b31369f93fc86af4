// The nf_tables expressions a rule of ours is made of, written as the kernel reads them: each an
// NFTA_LIST_ELEM { NFTA_EXPR_NAME "meta", NFTA_EXPR_DATA { … } } inside NFTA_RULE_EXPRESSIONS.
// Attribute order follows libnftnl's, so `nft --debug=netlink` of our rules and of nft's own read
// alike. Only what temporary rules need: meta, cmp, payload, lookup, log, a verdict, notrack.
import type { NlWriter } from '../writer.js';
import {
  NFTA_CMP_DATA,
  NFTA_CMP_OP,
  NFTA_CMP_SREG,
  NFTA_DATA_VALUE,
  NFTA_DATA_VERDICT,
  NFTA_EXPR_DATA,
  NFTA_EXPR_NAME,
  NFTA_IMMEDIATE_DATA,
  NFTA_IMMEDIATE_DREG,
  NFTA_LIST_ELEM,
  NFTA_LOG_GROUP,
  NFTA_LOG_QTHRESHOLD,
  NFTA_LOG_SNAPLEN,
  NFTA_LOOKUP_SET,
  NFTA_LOOKUP_SET_ID,
  NFTA_LOOKUP_SREG,
  NFTA_META_DREG,
  NFTA_META_KEY,
  NFTA_PAYLOAD_BASE,
  NFTA_PAYLOAD_DREG,
  NFTA_PAYLOAD_LEN,
  NFTA_PAYLOAD_OFFSET,
  NFTA_VERDICT_CODE,
  NFT_REG_VERDICT,
} from './constants.js';

/** Opens one expression; the caller writes its data attributes, then calls `end`. */
function openExpr(w: NlWriter, name: string): () => void {
  const elem = w.nestStart(NFTA_LIST_ELEM);
  w.string(NFTA_EXPR_NAME, name);
  const data = w.nestStart(NFTA_EXPR_DATA);
  return () => {
    w.nestEnd(data);
    w.nestEnd(elem);
  };
}

/** `meta load KEY => reg DREG` (NFT_META_MARK, _NFPROTO, _L4PROTO, …). */
export function writeMeta(w: NlWriter, key: number, dreg: number): void {
  const end = openExpr(w, 'meta');
  w.be32(NFTA_META_KEY, key);
  w.be32(NFTA_META_DREG, dreg);
  end();
}

/** `cmp OP reg SREG VALUE`; `value` holds the bytes as the register does (host order for meta mark). */
export function writeCmp(w: NlWriter, sreg: number, op: number, value: Uint8Array): void {
  const end = openExpr(w, 'cmp');
  w.be32(NFTA_CMP_SREG, sreg);
  w.be32(NFTA_CMP_OP, op);
  const data = w.nestStart(NFTA_CMP_DATA);
  w.bytes(NFTA_DATA_VALUE, value);
  w.nestEnd(data);
  end();
}

/** `payload load LEN b @ BASE header + OFFSET => reg DREG`. */
export function writePayload(
  w: NlWriter,
  base: number,
  offset: number,
  len: number,
  dreg: number,
): void {
  const end = openExpr(w, 'payload');
  w.be32(NFTA_PAYLOAD_DREG, dreg);
  w.be32(NFTA_PAYLOAD_BASE, base);
  w.be32(NFTA_PAYLOAD_OFFSET, offset);
  w.be32(NFTA_PAYLOAD_LEN, len);
  end();
}

/** `lookup reg SREG set NAME`; `setId` names a set made earlier in the same batch. */
export function writeLookup(w: NlWriter, sreg: number, set: string, setId: number): void {
  const end = openExpr(w, 'lookup');
  w.be32(NFTA_LOOKUP_SREG, sreg);
  w.string(NFTA_LOOKUP_SET, set);
  w.be32(NFTA_LOOKUP_SET_ID, setId);
  end();
}

/** `log group G snaplen S qthreshold Q`: copies to NFLOG. */
export function writeLog(w: NlWriter, group: number, snaplen: number, qthreshold: number): void {
  const end = openExpr(w, 'log');
  w.be16(NFTA_LOG_GROUP, group);
  w.be32(NFTA_LOG_SNAPLEN, snaplen);
  w.be16(NFTA_LOG_QTHRESHOLD, qthreshold);
  end();
}

/** `immediate reg 0 VERDICT` (NF_DROP, NF_ACCEPT): the rule's verdict. */
export function writeVerdictExpr(w: NlWriter, code: number): void {
  const end = openExpr(w, 'immediate');
  w.be32(NFTA_IMMEDIATE_DREG, NFT_REG_VERDICT);
  const data = w.nestStart(NFTA_IMMEDIATE_DATA);
  const verdict = w.nestStart(NFTA_DATA_VERDICT);
  w.be32(NFTA_VERDICT_CODE, code);
  w.nestEnd(verdict);
  w.nestEnd(data);
  end();
}

/** `notrack`: the packet skips conntrack (raw priority hooks only). It has no data. */
export function writeNotrack(w: NlWriter): void {
  const elem = w.nestStart(NFTA_LIST_ELEM);
  w.string(NFTA_EXPR_NAME, 'notrack');
  w.nestEnd(elem);
}
