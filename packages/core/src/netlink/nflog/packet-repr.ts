// An NFLOG packet message as a plain value, with emit and parse as exact inverses: for tests (the
// fake kernel's log copies, property round trips) and tools that keep a packet. The hot path uses
// NflogPacket instead. emitNflogPacket writes the attributes in the order the kernel's
// __build_packet_message does, so a repr of a real copy re-emits its very bytes.
import { putBe16, putBe32 } from '../../bytes/endian.js';
import { malformedAt, NetlinkDecodeError } from '../errors.js';
import { be64 } from '../host-order.js';
import { checkNlMsg, NlMsgView } from '../message.js';
import { NlWriter } from '../writer.js';
import {
  NFULA_GID,
  NFULA_IFINDEX_INDEV,
  NFULA_IFINDEX_OUTDEV,
  NFULA_MARK,
  NFULA_PACKET_HDR,
  NFULA_PAYLOAD,
  NFULA_PREFIX,
  NFULA_SEQ,
  NFULA_TIMESTAMP,
  NFULA_UID,
} from './constants.js';
import { NFLOG_PACKET_TYPE, NflogPacket } from './packet.js';

export interface NflogPacketRepr {
  group: number;
  family: number;
  hwProtocol: number;
  hook: number;
  /** Optional attributes: absent ones are not sent (mark 0 is never sent, as in the kernel). */
  prefix?: string;
  indev?: number;
  outdev?: number;
  mark?: number;
  /** NFULA_TIMESTAMP as whole seconds and microseconds. */
  timestamp?: { sec: number; usec: number };
  uid?: number;
  gid?: number;
  seq?: number;
  /** From the IP header, cut to the copy range; absent with NFULNL_COPY_META. */
  payload?: Uint8Array;
}

/** Writes `r` as the kernel would send it (nlmsg flags 0, seq 0, pid 0). */
export function emitNflogPacket(w: NlWriter, r: NflogPacketRepr): void {
  w.begin(NFLOG_PACKET_TYPE, 0, 0, 0).nfgenmsg(r.family, 0, r.group);
  // struct nfulnl_msg_packet_hdr { __be16 hw_protocol; __u8 hook; __u8 _pad; }
  const hdr = new Uint8Array(4);
  putBe16(hdr, 0, r.hwProtocol);
  hdr[2] = r.hook;
  w.bytes(NFULA_PACKET_HDR, hdr);
  if (r.prefix !== undefined) w.string(NFULA_PREFIX, r.prefix);
  if (r.indev !== undefined) w.be32(NFULA_IFINDEX_INDEV, r.indev);
  if (r.outdev !== undefined) w.be32(NFULA_IFINDEX_OUTDEV, r.outdev);
  if (r.mark) w.be32(NFULA_MARK, r.mark);
  if (r.timestamp) {
    const ts = new Uint8Array(16);
    putBe32(ts, 0, Math.floor(r.timestamp.sec / 2 ** 32));
    putBe32(ts, 4, r.timestamp.sec >>> 0);
    putBe32(ts, 8, Math.floor(r.timestamp.usec / 2 ** 32));
    putBe32(ts, 12, r.timestamp.usec >>> 0);
    w.bytes(NFULA_TIMESTAMP, ts);
  }
  if (r.uid !== undefined) w.be32(NFULA_UID, r.uid);
  if (r.gid !== undefined) w.be32(NFULA_GID, r.gid);
  if (r.seq !== undefined) w.be32(NFULA_SEQ, r.seq);
  if (r.payload) w.bytes(NFULA_PAYLOAD, r.payload);
  w.end();
}

/** The bytes of one packet message. */
export function encodeNflogPacket(r: NflogPacketRepr): Buffer {
  const w = new NlWriter(96 + (r.payload?.length ?? 0));
  emitNflogPacket(w, r);
  return w.finish();
}

/** Decodes one packet message into a value (copies what it keeps). */
export function parseNflogPacket(b: Uint8Array, off = 0): NflogPacketRepr {
  const fault = checkNlMsg(b, off, b.length);
  if (fault) throw new NetlinkDecodeError(fault);
  const p = new NflogPacket();
  if (!p.reset(new NlMsgView().reset(b, off)))
    throw new NetlinkDecodeError(malformedAt(off, { kind: 'not-a-packet' }));
  const t = p.attrs;
  const r: NflogPacketRepr = {
    group: p.group,
    family: p.family,
    hwProtocol: p.hwProtocol,
    hook: p.hook,
  };
  const prefix = p.prefix;
  if (prefix !== undefined) r.prefix = prefix;
  if (t.has(NFULA_IFINDEX_INDEV)) r.indev = p.indev;
  if (t.has(NFULA_IFINDEX_OUTDEV)) r.outdev = p.outdev;
  if (t.has(NFULA_MARK)) r.mark = p.mark;
  const ts = t.offset(NFULA_TIMESTAMP);
  if (ts >= 0 && t.length(NFULA_TIMESTAMP) >= 16)
    r.timestamp = { sec: Number(be64(b, ts)), usec: Number(be64(b, ts + 8)) };
  if (p.uid !== undefined) r.uid = p.uid;
  if (p.gid !== undefined) r.gid = p.gid;
  if (p.seq !== undefined) r.seq = p.seq;
  if (t.has(NFULA_PAYLOAD)) r.payload = Uint8Array.from(p.payload);
  return r;
}
