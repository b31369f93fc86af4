// NFQNL_MSG_PACKET: one queued packet waiting for a verdict. NfqPacket is a reusable view, reset
// per message without allocating: every field is read once into a number, and the payload (from
// the IP header) stays where it is in the receive buffer.
//
//   NFQA_PACKET_HDR  packed { be32 packet_id; be16 hw_protocol; u8 hook; }  (7 bytes)
//   NFQA_TIMESTAMP   { be64 sec; be64 usec; }
//   NFQA_HWADDR      { be16 hw_addrlen; u16 _pad; u8 hw_addr[8]; }
//   NFQA_MARK, NFQA_IFINDEX_*, NFQA_CT_INFO, NFQA_CAP_LEN, NFQA_SKB_INFO, NFQA_UID/GID: be32
//   NFQA_CT          nested ctnetlink attributes (CTA_*), present with NFQA_CFG_F_CONNTRACK
import { be16, be32 } from '../../bytes/endian.js';
import { AttrTable } from '../attr.js';
import { NFNL_SUBSYS_QUEUE, nfnlMsgType } from '../constants.js';
import {
  CTA_ID,
  CTA_MARK,
  CTA_MAX,
  CTA_PROTO_MAX,
  CTA_PROTO_NUM,
  CTA_STATUS,
  CTA_TUPLE_MAX,
  CTA_TUPLE_ORIG,
  CTA_TUPLE_PROTO,
  CTA_ZONE,
} from '../conntrack/constants.js';
import type { NetlinkDecodeProblem } from '../errors.js';
import type { NlMsgView } from '../message.js';
import {
  IP_CT_IS_REPLY,
  IP_CT_UNTRACKED,
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
  NFQA_MAX,
  NFQA_PACKET_HDR,
  NFQA_PAYLOAD,
  NFQA_SKB_GSO,
  NFQA_SKB_INFO,
  NFQA_TIMESTAMP,
  NFQA_UID,
  NFQNL_MSG_PACKET,
} from './constants.js';

export const NFQ_PACKET_TYPE = nfnlMsgType(NFNL_SUBSYS_QUEUE, NFQNL_MSG_PACKET);

/** Why a packet message was refused by NfqPacket.reset (null when it was decoded). */
export type NfqPacketFault = Extract<
  NetlinkDecodeProblem,
  { kind: 'not-a-packet' | 'malformed-attributes' | 'no-attribute' }
>;

// one frozen record per fault: a refused message costs no allocation on the packet path
export const NOT_A_PACKET: NfqPacketFault = Object.freeze({ kind: 'not-a-packet' });
const MALFORMED_ATTRIBUTES: NfqPacketFault = Object.freeze({ kind: 'malformed-attributes' });
const NO_PACKET_HDR: NfqPacketFault = Object.freeze({
  kind: 'no-attribute',
  attr: 'NFQA_PACKET_HDR',
});

export class NfqPacket {
  /** The message's attributes, for anything not decoded below (NFQA_VLAN, NFQA_SECCTX, …). */
  readonly attrs = new AttrTable(NFQA_MAX);
  /** The NFQA_CT nest, valid when `hasCt`. */
  readonly ct = new AttrTable(CTA_MAX);
  private readonly tuple = new AttrTable(CTA_TUPLE_MAX);
  private readonly proto = new AttrTable(CTA_PROTO_MAX);

  /** Why the last reset failed, or null. */
  fault: NfqPacketFault | null = null;
  /** Queue number (nfgenmsg res_id, big-endian). */
  queue = 0;
  /** Protocol family of the hook (nfgenmsg family): AF_INET, AF_INET6, AF_BRIDGE… */
  family = 0;
  /** Packet id (be32): what a verdict names. Per queue, counting up from 1. */
  id = 0;
  /** Ethertype of the packet (be16), e.g. 0x0800. */
  hwProtocol = 0;
  /** The hook that queued it (NF_INET_*: 0 PREROUTING … 4 POSTROUTING). */
  hook = 0;
  /** skb->mark (be32; the kernel sends it only when non-zero). */
  mark = 0;
  /** Interface indexes (be32), 0 when absent. */
  indev = 0;
  outdev = 0;
  physindev = 0;
  physoutdev = 0;
  /** Arrival time in seconds since 1970 (NFQA_TIMESTAMP), or 0 when the kernel sent none. */
  timestamp = 0;
  /** ip_conntrack_info (be32), or -1 without NFQA_CT_INFO (no CONNTRACK flag, or untracked). */
  ctInfo = -1;
  /** NFQA_CT is present (the CONNTRACK flag is on and the packet has a conntrack entry). */
  hasCt = false;
  /** CTA_MARK of the entry (connmark), CTA_ID, CTA_STATUS (IPS_* bits), CTA_ZONE; 0 when absent. */
  ctMark = 0;
  ctId = 0;
  ctStatus = 0;
  ctZone = 0;
  /** NFQA_SKB_INFO bits (NFQA_SKB_*), 0 when absent. */
  skbInfo = 0;
  /** NFQA_UID / NFQA_GID of the local socket (UID_GID flag), -1 when absent. */
  uid = -1;
  gid = -1;
  /** The buffer holding the message (the payload is a range of it), and the message's range. */
  buf: Uint8Array = new Uint8Array(0);
  messageOffset = 0;
  messageEnd = 0;
  /** Payload range in `buf`: the packet from its IP header, truncated to the copy range. */
  payloadOffset = 0;
  payloadLength = 0;
  /** The packet's full length (NFQA_CAP_LEN when it was truncated, else the payload length). */
  packetLength = 0;

  /** Decodes a message; false (with `fault` set) when it is not a well-formed packet message. */
  reset(m: NlMsgView): boolean {
    if (m.type !== NFQ_PACKET_TYPE) return this.fail(NOT_A_PACKET);
    const b = m.buf;
    const t = this.attrs;
    if (t.parse(b, m.nfAttrOffset, m.end) !== null) return this.fail(MALFORMED_ATTRIBUTES);
    const hdr = t.offset(NFQA_PACKET_HDR);
    if (hdr < 0 || t.length(NFQA_PACKET_HDR) < 7) return this.fail(NO_PACKET_HDR);
    this.fault = null;
    this.buf = b;
    this.messageOffset = m.off;
    this.messageEnd = m.end;
    this.queue = m.nfgenResId;
    this.family = m.nfgenFamily;
    this.id = be32(b, hdr);
    this.hwProtocol = be16(b, hdr + 4);
    this.hook = b[hdr + 6];
    this.mark = t.be32(NFQA_MARK);
    this.indev = t.be32(NFQA_IFINDEX_INDEV);
    this.outdev = t.be32(NFQA_IFINDEX_OUTDEV);
    this.physindev = t.be32(NFQA_IFINDEX_PHYSINDEV);
    this.physoutdev = t.be32(NFQA_IFINDEX_PHYSOUTDEV);
    const ts = t.offset(NFQA_TIMESTAMP);
    // two be64 halves read as numbers: exact for any time before the year 285 million
    this.timestamp =
      ts >= 0 && t.length(NFQA_TIMESTAMP) >= 16
        ? be32(b, ts) * 2 ** 32 +
          be32(b, ts + 4) +
          (be32(b, ts + 8) * 2 ** 32 + be32(b, ts + 12)) / 1e6
        : 0;
    this.ctInfo = t.has(NFQA_CT_INFO) ? t.be32(NFQA_CT_INFO) : -1;
    this.hasCt = t.nested(NFQA_CT, this.ct);
    if (this.hasCt) {
      const c = this.ct;
      this.ctMark = c.be32(CTA_MARK);
      this.ctId = c.be32(CTA_ID);
      this.ctStatus = c.be32(CTA_STATUS);
      this.ctZone = c.be16(CTA_ZONE);
    } else {
      this.ctMark = 0;
      this.ctId = 0;
      this.ctStatus = 0;
      this.ctZone = 0;
    }
    this.skbInfo = t.be32(NFQA_SKB_INFO);
    this.uid = t.has(NFQA_UID) ? t.be32(NFQA_UID) : -1;
    this.gid = t.has(NFQA_GID) ? t.be32(NFQA_GID) : -1;
    const p = t.offset(NFQA_PAYLOAD);
    this.payloadOffset = p >= 0 ? p : m.end;
    this.payloadLength = p >= 0 ? t.length(NFQA_PAYLOAD) : 0;
    this.packetLength = t.has(NFQA_CAP_LEN) ? t.be32(NFQA_CAP_LEN) : this.payloadLength;
    return true;
  }

  private fail(why: NfqPacketFault): false {
    this.fault = why;
    this.id = 0;
    this.payloadLength = 0;
    return false;
  }

  /** The payload as a view into the receive buffer (no copy; copy it to keep it). */
  get payload(): Uint8Array {
    return this.buf.subarray(this.payloadOffset, this.payloadOffset + this.payloadLength);
  }

  /** The copy range cut the packet short (NFQA_CAP_LEN was sent). */
  get truncated(): boolean {
    return this.packetLength > this.payloadLength;
  }

  /** A GSO super-packet (only with NFQA_CFG_F_GSO): longer than the MTU, checksums partial. */
  get gso(): boolean {
    return (this.skbInfo & NFQA_SKB_GSO) !== 0;
  }

  /** 0 original direction, 1 reply (from NFQA_CT_INFO; 0 when unknown). */
  get ctDirection(): number {
    const i = this.ctInfo;
    return i >= IP_CT_IS_REPLY && i !== IP_CT_UNTRACKED ? 1 : 0;
  }

  /** The connection state without the direction: IP_CT_ESTABLISHED, _RELATED or _NEW; -1 unknown. */
  get ctState(): number {
    const i = this.ctInfo;
    if (i < 0 || i === IP_CT_UNTRACKED) return -1;
    return i >= IP_CT_IS_REPLY ? i - IP_CT_IS_REPLY : i;
  }

  /** IP protocol of the conntrack entry (CTA_TUPLE_ORIG › CTA_TUPLE_PROTO › CTA_PROTO_NUM), or -1. */
  get ctProto(): number {
    if (
      !this.hasCt ||
      !this.ct.nested(CTA_TUPLE_ORIG, this.tuple) ||
      !this.tuple.nested(CTA_TUPLE_PROTO, this.proto)
    )
      return -1;
    return this.proto.has(CTA_PROTO_NUM) ? this.proto.u8(CTA_PROTO_NUM) : -1;
  }

  /** NFQA_HWADDR: the source MAC (on input hooks), as a view; undefined when absent. */
  get hwAddr(): Uint8Array | undefined {
    const o = this.attrs.offset(NFQA_HWADDR);
    if (o < 0 || this.attrs.length(NFQA_HWADDR) < 4) return undefined;
    const len = Math.min(be16(this.buf, o), this.attrs.length(NFQA_HWADDR) - 4, 8);
    return this.buf.subarray(o + 4, o + 4 + len);
  }
}
