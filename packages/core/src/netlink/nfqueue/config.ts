// NFQNL_MSG_CONFIG: bind/unbind a queue, copy mode and range, queue length, flags with their
// mask. res_id (big-endian) carries the queue number. Encoded and decoded side by side; config
// is not a hot path, so it goes through NlWriter.
import { be16, be32, putBe16, putBe32 } from '../../bytes/endian.js';
import { AttrTable } from '../attr.js';
import {
  AF_UNSPEC,
  NFNETLINK_V0,
  NFNL_SUBSYS_QUEUE,
  NLM_F_ACK,
  NLM_F_REQUEST,
  nfnlMsgType,
} from '../constants.js';
import { malformedAt, NetlinkDecodeError } from '../errors.js';
import { checkNlMsg, NlMsgView } from '../message.js';
import type { NlWriter } from '../writer.js';
import {
  NFQA_CFG_CMD,
  NFQA_CFG_FLAGS,
  NFQA_CFG_MASK,
  NFQA_CFG_MAX,
  NFQA_CFG_PARAMS,
  NFQA_CFG_QUEUE_MAXLEN,
  NFQNL_MSG_CONFIG,
} from './constants.js';

export const NFQ_CONFIG_TYPE = nfnlMsgType(NFNL_SUBSYS_QUEUE, NFQNL_MSG_CONFIG);

/** What one config message carries; absent fields are not sent. */
export interface NfqConfig {
  /** NFQNL_CFG_CMD_* (struct nfqnl_msg_config_cmd { u8 command; u8 _pad; be16 pf; }). */
  command?: number;
  /** Protocol family of the command (only PF_(UN)BIND use it; 0 otherwise). */
  pf?: number;
  /** NFQNL_COPY_* and how many bytes of each packet to copy (struct nfqnl_msg_config_params). */
  copyMode?: number;
  copyRange?: number;
  /** NFQA_CFG_QUEUE_MAXLEN: packets the kernel holds waiting for verdicts. */
  maxLen?: number;
  /** NFQA_CFG_F_* bits to set, and which bits to change (the kernel needs both). */
  flags?: number;
  mask?: number;
}

/** Writes one config message for `queue` (flags without a mask get mask = flags). */
export function writeNfqConfig(
  w: NlWriter,
  seq: number,
  queue: number,
  cfg: NfqConfig,
  family = AF_UNSPEC,
): void {
  w.begin(NFQ_CONFIG_TYPE, NLM_F_REQUEST | NLM_F_ACK, seq).nfgenmsg(family, NFNETLINK_V0, queue);
  if (cfg.command !== undefined) {
    const cmd = new Uint8Array(4);
    cmd[0] = cfg.command;
    putBe16(cmd, 2, cfg.pf ?? 0);
    w.bytes(NFQA_CFG_CMD, cmd);
  }
  if (cfg.copyMode !== undefined) {
    // packed: the kernel's struct is 5 bytes (__attribute__ ((packed)))
    const params = new Uint8Array(5);
    putBe32(params, 0, cfg.copyRange ?? 0xffff);
    params[4] = cfg.copyMode;
    w.bytes(NFQA_CFG_PARAMS, params);
  }
  if (cfg.maxLen !== undefined) w.be32(NFQA_CFG_QUEUE_MAXLEN, cfg.maxLen);
  if (cfg.flags !== undefined || cfg.mask !== undefined) {
    w.be32(NFQA_CFG_MASK, cfg.mask ?? cfg.flags ?? 0);
    w.be32(NFQA_CFG_FLAGS, cfg.flags ?? 0);
  }
}

export interface ParsedNfqConfig extends NfqConfig {
  queue: number;
  family: number;
}

const cfgTable = new AttrTable(NFQA_CFG_MAX);

/** Decodes a config message (what the kernel's nfqnl_recv_config reads), for tests and tools. */
export function parseNfqConfig(b: Uint8Array, off = 0): ParsedNfqConfig {
  const fault = checkNlMsg(b, off, b.length);
  if (fault) throw new NetlinkDecodeError(fault);
  const m = new NlMsgView().reset(b, off);
  if (m.type !== NFQ_CONFIG_TYPE)
    throw new NetlinkDecodeError(
      malformedAt(off, { kind: 'unexpected-type', type: m.type, expected: 'NFQNL_MSG_CONFIG' }),
    );
  const t = cfgTable.parseOrThrow(b, m.nfAttrOffset, m.end);
  const out: ParsedNfqConfig = { queue: m.nfgenResId, family: m.nfgenFamily };
  const cmd = t.offset(NFQA_CFG_CMD);
  if (cmd >= 0 && t.length(NFQA_CFG_CMD) >= 4) {
    out.command = b[cmd];
    out.pf = be16(b, cmd + 2);
  }
  const params = t.offset(NFQA_CFG_PARAMS);
  if (params >= 0 && t.length(NFQA_CFG_PARAMS) >= 5) {
    out.copyRange = be32(b, params);
    out.copyMode = b[params + 4];
  }
  if (t.has(NFQA_CFG_QUEUE_MAXLEN)) out.maxLen = t.be32(NFQA_CFG_QUEUE_MAXLEN);
  if (t.has(NFQA_CFG_MASK)) out.mask = t.be32(NFQA_CFG_MASK);
  if (t.has(NFQA_CFG_FLAGS)) out.flags = t.be32(NFQA_CFG_FLAGS);
  return out;
}
