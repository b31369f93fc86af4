// struct nlmsgerr as it answers one message of a batch: the errno, the header of the message it
// answers, and the extended-ACK attributes (NETLINK_EXT_ACK) that say which attribute the
// kernel refused, so an error can name the table, the set or the very element.
//
//   nlmsghdr (NLMSG_ERROR, flags NLM_F_CAPPED | NLM_F_ACK_TLVS as applicable)
//   error        s32, host order (negative errno; 0 for an ACK)
//   msg          the request's nlmsghdr, and its payload unless NLM_F_CAPPED (NETLINK_CAP_ACK)
//   TLVs         NLMSGERR_ATTR_MSG (string), NLMSGERR_ATTR_OFFS (u32, host order: offset of
//                the refused attribute from the start of the request) when NLM_F_ACK_TLVS
import {
  NLM_F_ACK_TLVS,
  NLM_F_CAPPED,
  NLMSGERR_ATTR_MSG,
  NLMSGERR_ATTR_OFFS,
} from '../constants.js';
import { AttrTable } from '../attr.js';
import { s32h, u16h, u32h } from '../host-order.js';
import { NLMSG_HDRLEN, nlmsgAlign, type NlMsgView } from '../message.js';

export interface NlmsgErr {
  /** Positive errno; 0 for an acknowledgement. */
  errno: number;
  /** nlmsg_seq and nlmsg_type of the request it answers. */
  requestSeq: number;
  requestType: number;
  /** NLMSGERR_ATTR_OFFS: where the refused attribute starts in the request. */
  attrOffset?: number;
  /** NLMSGERR_ATTR_MSG: the kernel's own words. */
  message?: string;
}

const tlvTable = new AttrTable(NLMSGERR_ATTR_OFFS);

/** Decodes an NLMSG_ERROR message; null when it is too short to hold a struct nlmsgerr. */
export function decodeNlmsgErr(m: NlMsgView): NlmsgErr | null {
  const p = m.payloadOffset;
  if (m.end - p < 4 + NLMSG_HDRLEN) return null;
  const b = m.buf;
  const out: NlmsgErr = {
    errno: -s32h(b, p),
    requestSeq: u32h(b, p + 4 + 8),
    requestType: u16h(b, p + 4 + 4),
  };
  if (m.flags & NLM_F_ACK_TLVS) {
    const echoed = m.flags & NLM_F_CAPPED ? NLMSG_HDRLEN : u32h(b, p + 4);
    const tlvStart = p + 4 + nlmsgAlign(echoed);
    if (tlvStart <= m.end && tlvTable.parse(b, tlvStart, m.end) === null) {
      if (tlvTable.length(NLMSGERR_ATTR_OFFS) >= 4)
        out.attrOffset = tlvTable.u32h(NLMSGERR_ATTR_OFFS);
      const text = tlvTable.string(NLMSGERR_ATTR_MSG);
      if (text) out.message = text;
    }
  }
  return out;
}
