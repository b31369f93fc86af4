// CTA_PROTOINFO: TCP state, window scales and per-direction flags (struct nf_ct_tcp_flags
// {u8 flags; u8 mask}); DCCP and SCTP states. Mainline exposes no sequence numbers here.
import { AttrTable } from '../attr.js';
import type { NlWriter } from '../writer.js';
import {
  CTA_PROTOINFO_DCCP,
  CTA_PROTOINFO_DCCP_STATE,
  CTA_PROTOINFO_MAX,
  CTA_PROTOINFO_SCTP,
  CTA_PROTOINFO_SCTP_STATE,
  CTA_PROTOINFO_TCP,
  CTA_PROTOINFO_TCP_FLAGS_ORIGINAL,
  CTA_PROTOINFO_TCP_FLAGS_REPLY,
  CTA_PROTOINFO_TCP_MAX,
  CTA_PROTOINFO_TCP_STATE,
  CTA_PROTOINFO_TCP_WSCALE_ORIGINAL,
  CTA_PROTOINFO_TCP_WSCALE_REPLY,
} from './constants.js';

export interface TcpFlags {
  flags: number;
  mask: number;
}

export interface TcpInfo {
  /** enum tcp_conntrack (TCP_CONNTRACK_*). */
  state: number;
  wscaleOriginal?: number;
  wscaleReply?: number;
  flagsOriginal?: TcpFlags;
  flagsReply?: TcpFlags;
}

export interface ProtoInfo {
  tcp?: TcpInfo;
  dccpState?: number;
  sctpState?: number;
}

const infoTable = new AttrTable(CTA_PROTOINFO_MAX);
const tcpTable = new AttrTable(CTA_PROTOINFO_TCP_MAX);
const smallTable = new AttrTable(4);

function flagsAt(t: AttrTable, type: number): TcpFlags | undefined {
  const b = t.bytes(type);
  return b && b.length >= 2 ? { flags: b[0], mask: b[1] } : undefined;
}

export function decodeProtoInfo(b: Uint8Array, start: number, end: number): ProtoInfo {
  const t = infoTable.parseOrThrow(b, start, end);
  const out: ProtoInfo = {};
  if (t.nested(CTA_PROTOINFO_TCP, tcpTable)) {
    const tcp: TcpInfo = { state: tcpTable.u8(CTA_PROTOINFO_TCP_STATE) };
    if (tcpTable.has(CTA_PROTOINFO_TCP_WSCALE_ORIGINAL))
      tcp.wscaleOriginal = tcpTable.u8(CTA_PROTOINFO_TCP_WSCALE_ORIGINAL);
    if (tcpTable.has(CTA_PROTOINFO_TCP_WSCALE_REPLY))
      tcp.wscaleReply = tcpTable.u8(CTA_PROTOINFO_TCP_WSCALE_REPLY);
    const fo = flagsAt(tcpTable, CTA_PROTOINFO_TCP_FLAGS_ORIGINAL);
    if (fo) tcp.flagsOriginal = fo;
    const fr = flagsAt(tcpTable, CTA_PROTOINFO_TCP_FLAGS_REPLY);
    if (fr) tcp.flagsReply = fr;
    out.tcp = tcp;
  }
  if (t.nested(CTA_PROTOINFO_DCCP, smallTable))
    out.dccpState = smallTable.u8(CTA_PROTOINFO_DCCP_STATE);
  if (t.nested(CTA_PROTOINFO_SCTP, smallTable))
    out.sctpState = smallTable.u8(CTA_PROTOINFO_SCTP_STATE);
  return out;
}

export function encodeProtoInfo(w: NlWriter, type: number, info: ProtoInfo): void {
  const nest = w.nestStart(type);
  if (info.tcp) {
    const tcp = w.nestStart(CTA_PROTOINFO_TCP);
    w.u8(CTA_PROTOINFO_TCP_STATE, info.tcp.state);
    if (info.tcp.wscaleOriginal !== undefined)
      w.u8(CTA_PROTOINFO_TCP_WSCALE_ORIGINAL, info.tcp.wscaleOriginal);
    if (info.tcp.wscaleReply !== undefined)
      w.u8(CTA_PROTOINFO_TCP_WSCALE_REPLY, info.tcp.wscaleReply);
    if (info.tcp.flagsOriginal)
      w.bytes(
        CTA_PROTOINFO_TCP_FLAGS_ORIGINAL,
        Uint8Array.of(info.tcp.flagsOriginal.flags, info.tcp.flagsOriginal.mask),
      );
    if (info.tcp.flagsReply)
      w.bytes(
        CTA_PROTOINFO_TCP_FLAGS_REPLY,
        Uint8Array.of(info.tcp.flagsReply.flags, info.tcp.flagsReply.mask),
      );
    w.nestEnd(tcp);
  }
  if (info.dccpState !== undefined) {
    const d = w.nestStart(CTA_PROTOINFO_DCCP);
    w.u8(CTA_PROTOINFO_DCCP_STATE, info.dccpState);
    w.nestEnd(d);
  }
  if (info.sctpState !== undefined) {
    const s = w.nestStart(CTA_PROTOINFO_SCTP);
    w.u8(CTA_PROTOINFO_SCTP_STATE, info.sctpState);
    w.nestEnd(s);
  }
  w.nestEnd(nest);
}
