// NFULNL_MSG_CONFIG requests: bind/unbind a log group, copy mode and range, queue threshold,
// flush timeout, buffer size and flags. res_id (big-endian) carries the group number. Written by
// writeNflogConfig, read back by parseNflogConfig (what the kernel's nfulnl_recv_config reads).
import {
  AF_UNSPEC,
  NFNETLINK_V0,
  NFNL_SUBSYS_ULOG,
  NLM_F_ACK,
  NLM_F_REQUEST,
  nfnlMsgType,
} from '../constants.js';
import { be32, putBe32 } from '../../bytes/endian.js';
import { AttrTable } from '../attr.js';
import { malformedAt, NetlinkDecodeError } from '../errors.js';
import { checkNlMsg, NlMsgView } from '../message.js';
import type { NlWriter } from '../writer.js';
import {
  NFULA_CFG_CMD,
  NFULA_CFG_FLAGS,
  NFULA_CFG_MAX,
  NFULA_CFG_MODE,
  NFULA_CFG_NLBUFSIZ,
  NFULA_CFG_QTHRESH,
  NFULA_CFG_TIMEOUT,
  NFULNL_MSG_CONFIG,
} from './constants.js';

export interface NflogConfig {
  /** NFULNL_COPY_* and how many bytes of each packet (from the IP header). */
  copyMode?: number;
  copyRange?: number;
  /** Messages to batch before sending (1 = each packet at once). */
  qthreshold?: number;
  /** Longest wait before a partial batch goes out, in 1/100 s (0 = none). */
  timeout?: number;
  /** Kernel-side batch buffer, bytes. */
  nlbufsiz?: number;
  /** NFULNL_CFG_F_* bits. */
  flags?: number;
}

export const NFLOG_CONFIG_TYPE = nfnlMsgType(NFNL_SUBSYS_ULOG, NFULNL_MSG_CONFIG);

/** Writes one config message for `group`: an optional command, then the settings given. */
export function writeNflogConfig(
  w: NlWriter,
  seq: number,
  group: number,
  command: number | null,
  cfg: NflogConfig = {},
  family = AF_UNSPEC,
): void {
  w.begin(NFLOG_CONFIG_TYPE, NLM_F_REQUEST | NLM_F_ACK, seq).nfgenmsg(family, NFNETLINK_V0, group);
  if (command !== null) w.u8(NFULA_CFG_CMD, command);
  if (cfg.copyMode !== undefined) {
    // struct nfulnl_msg_config_mode { __be32 copy_range; __u8 copy_mode; __u8 _pad; }
    const mode = new Uint8Array(6);
    putBe32(mode, 0, cfg.copyRange ?? 0xffff);
    mode[4] = cfg.copyMode;
    w.bytes(NFULA_CFG_MODE, mode);
  }
  if (cfg.nlbufsiz !== undefined) w.be32(NFULA_CFG_NLBUFSIZ, cfg.nlbufsiz);
  if (cfg.timeout !== undefined) w.be32(NFULA_CFG_TIMEOUT, cfg.timeout);
  if (cfg.qthreshold !== undefined) w.be32(NFULA_CFG_QTHRESH, cfg.qthreshold);
  if (cfg.flags !== undefined) w.be16(NFULA_CFG_FLAGS, cfg.flags);
}

export interface ParsedNflogConfig extends NflogConfig {
  group: number;
  family: number;
  /** NFULNL_CFG_CMD_*, when the message carries a command. */
  command?: number;
}

const cfgTable = new AttrTable(NFULA_CFG_MAX);

/** Decodes a config message, for tests (the fake kernel) and tools. */
export function parseNflogConfig(b: Uint8Array, off = 0): ParsedNflogConfig {
  const fault = checkNlMsg(b, off, b.length);
  if (fault) throw new NetlinkDecodeError(fault);
  const m = new NlMsgView().reset(b, off);
  if (m.type !== NFLOG_CONFIG_TYPE)
    throw new NetlinkDecodeError(
      malformedAt(off, { kind: 'unexpected-type', type: m.type, expected: 'NFULNL_MSG_CONFIG' }),
    );
  const t = cfgTable.parseOrThrow(b, m.nfAttrOffset, m.end);
  const out: ParsedNflogConfig = { group: m.nfgenResId, family: m.nfgenFamily };
  if (t.has(NFULA_CFG_CMD)) out.command = t.u8(NFULA_CFG_CMD);
  const mode = t.offset(NFULA_CFG_MODE);
  if (mode >= 0 && t.length(NFULA_CFG_MODE) >= 5) {
    out.copyRange = be32(b, mode);
    out.copyMode = b[mode + 4];
  }
  if (t.has(NFULA_CFG_NLBUFSIZ)) out.nlbufsiz = t.be32(NFULA_CFG_NLBUFSIZ);
  if (t.has(NFULA_CFG_TIMEOUT)) out.timeout = t.be32(NFULA_CFG_TIMEOUT);
  if (t.has(NFULA_CFG_QTHRESH)) out.qthreshold = t.be32(NFULA_CFG_QTHRESH);
  if (t.has(NFULA_CFG_FLAGS)) out.flags = t.be16(NFULA_CFG_FLAGS);
  return out;
}
