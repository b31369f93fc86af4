// NFT_MSG_GETGEN: the rule-set generation. The set client sends it after a batch as a sync
// point: the kernel handles a batch entirely inside the send that carries it and queues every
// error of it before it reads the next datagram, so once this request is answered, every error
// of the batch before it has arrived.
import {
  NFNETLINK_V0,
  NFNL_SUBSYS_NFTABLES,
  NLM_F_ACK,
  NLM_F_REQUEST,
  nfnlMsgType,
  AF_UNSPEC,
} from '../constants.js';
import { AttrTable } from '../attr.js';
import type { NlMsgView } from '../message.js';
import type { NlWriter } from '../writer.js';
import { NFT_MSG_GETGEN, NFT_MSG_NEWGEN, NFTA_GEN_ID, NFTA_GEN_MAX } from './constants.js';

export const NFT_NEWGEN_TYPE = nfnlMsgType(NFNL_SUBSYS_NFTABLES, NFT_MSG_NEWGEN);

export function writeNftGetGen(w: NlWriter, seq: number): NlWriter {
  return w
    .begin(nfnlMsgType(NFNL_SUBSYS_NFTABLES, NFT_MSG_GETGEN), NLM_F_REQUEST | NLM_F_ACK, seq)
    .nfgenmsg(AF_UNSPEC, NFNETLINK_V0, 0)
    .end();
}

const genTable = new AttrTable(NFTA_GEN_MAX);

/** NFTA_GEN_ID of a NFT_MSG_NEWGEN message. */
export function decodeNftGeneration(m: NlMsgView): number {
  return genTable.parseOrThrow(m.buf, m.nfAttrOffset, m.end).be32(NFTA_GEN_ID);
}
