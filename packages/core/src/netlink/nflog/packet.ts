// NFULNL_MSG_PACKET: one logged packet. NflogPacket is a reusable view (reset per message, no
// allocation): the payload stays in the receive buffer and starts at the IP header.
import { be16, be32 } from '../../bytes/endian.js';
import { AttrTable } from '../attr.js';
import type { NlMsgView } from '../message.js';
import {
  NFULA_IFINDEX_INDEV,
  NFULA_IFINDEX_OUTDEV,
  NFULA_MARK,
  NFULA_MAX,
  NFULA_PACKET_HDR,
  NFULA_PAYLOAD,
  NFULA_PREFIX,
  NFULA_TIMESTAMP,
  NFULA_UID,
  NFULA_GID,
  NFULA_SEQ,
  NFULNL_MSG_PACKET,
} from './constants.js';
import { NFNL_SUBSYS_ULOG, nfnlMsgType } from '../constants.js';

export const NFLOG_PACKET_TYPE = nfnlMsgType(NFNL_SUBSYS_ULOG, NFULNL_MSG_PACKET);

export class NflogPacket {
  readonly attrs = new AttrTable(NFULA_MAX);
  /** The log group (nfgenmsg res_id). */
  group = 0;
  /** nfgenmsg family: AF_INET, AF_INET6 (or AF_BRIDGE…). */
  family = 0;
  /** Ethertype (NFULA_PACKET_HDR.hw_protocol, big-endian). */
  hwProtocol = 0;
  /** NF_INET_* hook the rule ran in. */
  hook = 0;
  /** skb mark (0 when absent). */
  mark = 0;
  /** Interface indexes (0 when absent). */
  indev = 0;
  outdev = 0;
  /** Receive buffer holding the payload. */
  buf: Uint8Array = new Uint8Array(0);
  /** Payload (from the IP header) in `buf`; length 0 when the rule copied none. */
  payloadOffset = 0;
  payloadLength = 0;

  /** Resets from a packet message; false when it is not one or is malformed. */
  reset(m: NlMsgView): boolean {
    if (m.type !== NFLOG_PACKET_TYPE) return false;
    if (this.attrs.parse(m.buf, m.nfAttrOffset, m.end) !== null) return false;
    const t = this.attrs;
    this.buf = m.buf;
    this.group = m.nfgenResId;
    this.family = m.nfgenFamily;
    const hdr = t.offset(NFULA_PACKET_HDR);
    // struct nfulnl_msg_packet_hdr { __be16 hw_protocol; __u8 hook; __u8 _pad; }
    if (hdr >= 0 && t.length(NFULA_PACKET_HDR) >= 3) {
      this.hwProtocol = be16(m.buf, hdr);
      this.hook = m.buf[hdr + 2];
    } else {
      this.hwProtocol = 0;
      this.hook = 0;
    }
    this.mark = t.be32(NFULA_MARK);
    this.indev = t.be32(NFULA_IFINDEX_INDEV);
    this.outdev = t.be32(NFULA_IFINDEX_OUTDEV);
    const p = t.offset(NFULA_PAYLOAD);
    this.payloadOffset = p >= 0 ? p : 0;
    this.payloadLength = p >= 0 ? t.length(NFULA_PAYLOAD) : 0;
    return true;
  }

  /** The payload as a view (no copy). */
  get payload(): Uint8Array {
    return this.buf.subarray(this.payloadOffset, this.payloadOffset + this.payloadLength);
  }

  /** NFULA_PREFIX: the rule's log prefix (decoded on demand). */
  get prefix(): string | undefined {
    return this.attrs.string(NFULA_PREFIX);
  }

  /** NFULA_TIMESTAMP { __be64 sec; __be64 usec; } in ms since the epoch, or undefined. */
  get timestampMs(): number | undefined {
    const o = this.attrs.offset(NFULA_TIMESTAMP);
    if (o < 0 || this.attrs.length(NFULA_TIMESTAMP) < 16) return undefined;
    const sec = be32(this.buf, o) * 2 ** 32 + be32(this.buf, o + 4);
    const usec = be32(this.buf, o + 8) * 2 ** 32 + be32(this.buf, o + 12);
    return sec * 1000 + usec / 1000;
  }

  get uid(): number | undefined {
    return this.attrs.has(NFULA_UID) ? this.attrs.be32(NFULA_UID) : undefined;
  }
  get gid(): number | undefined {
    return this.attrs.has(NFULA_GID) ? this.attrs.be32(NFULA_GID) : undefined;
  }
  /** NFULA_SEQ: per-instance sequence (with NFULNL_CFG_F_SEQ). */
  get seq(): number | undefined {
    return this.attrs.has(NFULA_SEQ) ? this.attrs.be32(NFULA_SEQ) : undefined;
  }
}
