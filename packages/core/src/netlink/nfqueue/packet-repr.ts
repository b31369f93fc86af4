// A packet message as a plain value, with parse and emit as exact inverses: for tests (property
// round trips, a fake kernel) and tools that keep a packet. The hot path uses NfqPacket instead.
// emit writes the attributes in the order nfqnl_build_packet_message does.
import { putBe16, putBe32 } from '../../bytes/endian.js';
import { AF_INET, NFNETLINK_V0 } from '../constants.js';
import { decodeEntry, encodeEntry, type ConntrackEntry } from '../conntrack/entry.js';
import { malformedAt, NetlinkDecodeError } from '../errors.js';
import { be64 } from '../host-order.js';
import { checkNlMsg, NlMsgView } from '../message.js';
import { NlWriter } from '../writer.js';
import {
  NFQA_CAP_LEN,
  NFQA_CT,
  NFQA_CT_INFO,
  NFQA_GID,
  NFQA_HWADDR,
  NFQA_IFINDEX_INDEV,
  NFQA_IFINDEX_OUTDEV,
  NFQA_IFINDEX_PHYSINDEV,
  NFQA_IFINDEX_PHYSOUTDEV,
  NFQA_MARK,
  NFQA_PACKET_HDR,
  NFQA_PAYLOAD,
  NFQA_SKB_INFO,
  NFQA_TIMESTAMP,
  NFQA_UID,
} from './constants.js';
import { NFQ_PACKET_TYPE, NOT_A_PACKET, NfqPacket } from './packet.js';

export interface NfqPacketRepr {
  queue: number;
  family: number;
  id: number;
  hwProtocol: number;
  hook: number;
  /** Optional attributes: absent ones are not sent (mark 0 is never sent, as in the kernel). */
  mark?: number;
  indev?: number;
  outdev?: number;
  physindev?: number;
  physoutdev?: number;
  /** Source hardware address (at most 8 bytes). */
  hwAddr?: Uint8Array;
  /** NFQA_TIMESTAMP as whole seconds and microseconds. */
  timestamp?: { sec: number; usec: number };
  uid?: number;
  gid?: number;
  ct?: ConntrackEntry;
  ctInfo?: number;
  /** NFQA_CAP_LEN: the packet's length before the copy range cut it. */
  capLen?: number;
  skbInfo?: number;
  /** From the IP header; absent with NFQNL_COPY_META. */
  payload?: Uint8Array;
}

/** Writes `r` as the kernel would send it (nlmsg flags 0, seq 0, pid 0). */
export function emitNfqPacket(w: NlWriter, r: NfqPacketRepr): void {
  w.begin(NFQ_PACKET_TYPE, 0, 0, 0).nfgenmsg(r.family, NFNETLINK_V0, r.queue);
  const hdr = new Uint8Array(7);
  putBe32(hdr, 0, r.id);
  putBe16(hdr, 4, r.hwProtocol);
  hdr[6] = r.hook;
  w.bytes(NFQA_PACKET_HDR, hdr);
  if (r.indev !== undefined) w.be32(NFQA_IFINDEX_INDEV, r.indev);
  if (r.physindev !== undefined) w.be32(NFQA_IFINDEX_PHYSINDEV, r.physindev);
  if (r.outdev !== undefined) w.be32(NFQA_IFINDEX_OUTDEV, r.outdev);
  if (r.physoutdev !== undefined) w.be32(NFQA_IFINDEX_PHYSOUTDEV, r.physoutdev);
  if (r.mark) w.be32(NFQA_MARK, r.mark);
  if (r.hwAddr) {
    const hw = new Uint8Array(12);
    putBe16(hw, 0, r.hwAddr.length);
    hw.set(r.hwAddr.subarray(0, 8), 4);
    w.bytes(NFQA_HWADDR, hw);
  }
  if (r.timestamp) {
    const ts = new Uint8Array(16);
    putBe32(ts, 0, Math.floor(r.timestamp.sec / 2 ** 32));
    putBe32(ts, 4, r.timestamp.sec >>> 0);
    putBe32(ts, 8, Math.floor(r.timestamp.usec / 2 ** 32));
    putBe32(ts, 12, r.timestamp.usec >>> 0);
    w.bytes(NFQA_TIMESTAMP, ts);
  }
  if (r.uid !== undefined) w.be32(NFQA_UID, r.uid);
  if (r.gid !== undefined) w.be32(NFQA_GID, r.gid);
  if (r.ct) {
    const n = w.nestStart(NFQA_CT);
    encodeEntry(w, r.ct);
    w.nestEnd(n);
  }
  if (r.ctInfo !== undefined) w.be32(NFQA_CT_INFO, r.ctInfo);
  if (r.capLen !== undefined) w.be32(NFQA_CAP_LEN, r.capLen);
  if (r.skbInfo !== undefined) w.be32(NFQA_SKB_INFO, r.skbInfo);
  if (r.payload) w.bytes(NFQA_PAYLOAD, r.payload);
  w.end();
}

/** The bytes of one packet message. */
export function encodeNfqPacket(r: NfqPacketRepr): Buffer {
  const w = new NlWriter(128 + (r.payload?.length ?? 0));
  emitNfqPacket(w, r);
  return w.finish();
}

/** Decodes one packet message into a value (copies what it keeps). */
export function parseNfqPacket(b: Uint8Array, off = 0): NfqPacketRepr {
  const fault = checkNlMsg(b, off, b.length);
  if (fault) throw new NetlinkDecodeError(fault);
  const m = new NlMsgView().reset(b, off);
  const p = new NfqPacket();
  if (!p.reset(m)) throw new NetlinkDecodeError(malformedAt(off, p.fault ?? NOT_A_PACKET));
  const t = p.attrs;
  const r: NfqPacketRepr = {
    queue: p.queue,
    family: p.family,
    id: p.id,
    hwProtocol: p.hwProtocol,
    hook: p.hook,
  };
  if (t.has(NFQA_MARK)) r.mark = p.mark;
  if (t.has(NFQA_IFINDEX_INDEV)) r.indev = p.indev;
  if (t.has(NFQA_IFINDEX_PHYSINDEV)) r.physindev = p.physindev;
  if (t.has(NFQA_IFINDEX_OUTDEV)) r.outdev = p.outdev;
  if (t.has(NFQA_IFINDEX_PHYSOUTDEV)) r.physoutdev = p.physoutdev;
  const hw = p.hwAddr;
  if (hw) r.hwAddr = Uint8Array.from(hw);
  const ts = t.offset(NFQA_TIMESTAMP);
  if (ts >= 0 && t.length(NFQA_TIMESTAMP) >= 16)
    r.timestamp = { sec: Number(be64(b, ts)), usec: Number(be64(b, ts + 8)) };
  if (p.uid >= 0) r.uid = p.uid;
  if (p.gid >= 0) r.gid = p.gid;
  const ct = t.offset(NFQA_CT);
  if (ct >= 0) r.ct = decodeEntry(b, ct, ct + t.length(NFQA_CT), p.family || AF_INET);
  if (p.ctInfo >= 0) r.ctInfo = p.ctInfo;
  if (t.has(NFQA_CAP_LEN)) r.capLen = t.be32(NFQA_CAP_LEN);
  if (t.has(NFQA_SKB_INFO)) r.skbInfo = p.skbInfo;
  if (t.has(NFQA_PAYLOAD)) r.payload = Uint8Array.from(p.payload);
  return r;
}
