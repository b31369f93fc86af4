// struct nlmsghdr (16 bytes, host byte order) and struct nfgenmsg (4 bytes), read and written.
//
//  nlmsg_len u32 (0..4)  nlmsg_type u16 (4..6)  nlmsg_flags u16 (6..8)
//  nlmsg_seq u32 (8..12) nlmsg_pid u32 (12..16)
//  nfgenmsg: nfgen_family u8 (0)  version u8 (1)  res_id be16 (2..4)
import { be16, putBe16 } from '../bytes/endian.js';
import { NLMSG_DONE, NLMSG_ERROR } from './constants.js';
import { malformedAt, NetlinkDecodeError, type NetlinkDecodeFault } from './errors.js';
import { putU16h, putU32h, s32h, u16h, u32h } from './host-order.js';

export const NLMSG_ALIGNTO = 4;
export const NLMSG_HDRLEN = 16;
export const NFGENMSG_LEN = 4;
/** struct nlmsgerr: error s32, then the offending request's nlmsghdr (and more when not capped). */
export const NLMSGERR_MIN_LEN = 4 + NLMSG_HDRLEN;

export function nlmsgAlign(n: number): number {
  return (n + NLMSG_ALIGNTO - 1) & ~(NLMSG_ALIGNTO - 1);
}

/**
 * Why the bytes at `off` (up to `end`) are not a message, or null when a NlMsgView over them is
 * safe: the header fits, nlmsg_len is at least the header and stays within `end`.
 */
export function checkNlMsg(b: Uint8Array, off: number, end: number): NetlinkDecodeFault | null {
  if (end - off < NLMSG_HDRLEN)
    return malformedAt(off, {
      kind: 'truncated',
      struct: 'nlmsghdr',
      needed: NLMSG_HDRLEN,
      available: end - off,
    });
  const len = u32h(b, off);
  if (len < NLMSG_HDRLEN)
    return malformedAt(off, { kind: 'message-length-below-header', length: len });
  if (len > end - off)
    return malformedAt(off, {
      kind: 'message-length-beyond-data',
      length: len,
      available: end - off,
    });
  return null;
}

/** A view over one nlmsghdr and its payload. Valid only after `checkNlMsg` passed. */
export class NlMsgView {
  buf: Uint8Array = new Uint8Array(0);
  off = 0;

  reset(buf: Uint8Array, off: number): this {
    this.buf = buf;
    this.off = off;
    return this;
  }
  /** nlmsg_len (host order). */
  get length(): number {
    return u32h(this.buf, this.off);
  }
  get type(): number {
    return u16h(this.buf, this.off + 4);
  }
  get flags(): number {
    return u16h(this.buf, this.off + 6);
  }
  get seq(): number {
    return u32h(this.buf, this.off + 8);
  }
  /** Sender port id: 0 for the kernel. */
  get pid(): number {
    return u32h(this.buf, this.off + 12);
  }
  get payloadOffset(): number {
    return this.off + NLMSG_HDRLEN;
  }
  get end(): number {
    return this.off + u32h(this.buf, this.off);
  }
  /** For NLMSG_ERROR: the negative errno, or 0 for an acknowledgement. */
  get error(): number {
    return this.type === NLMSG_ERROR && this.length >= NLMSG_HDRLEN + 4
      ? s32h(this.buf, this.off + NLMSG_HDRLEN)
      : 0;
  }
  /** For NLMSG_DONE: the dump's final status (0, or a negative errno when the dump failed). */
  get doneStatus(): number {
    return this.type === NLMSG_DONE && this.length >= NLMSG_HDRLEN + 4
      ? s32h(this.buf, this.off + NLMSG_HDRLEN)
      : 0;
  }
  /** nfgenmsg fields, for nfnetlink messages (payload at least 4 bytes). */
  get nfgenFamily(): number {
    return this.buf[this.off + NLMSG_HDRLEN];
  }
  get nfgenVersion(): number {
    return this.buf[this.off + NLMSG_HDRLEN + 1];
  }
  /** res_id (big-endian): the queue or log group number for NFQUEUE/NFLOG. */
  get nfgenResId(): number {
    return be16(this.buf, this.off + NLMSG_HDRLEN + 2);
  }
  /** Where the attributes of an nfnetlink message start. */
  get nfAttrOffset(): number {
    return this.off + NLMSG_HDRLEN + NFGENMSG_LEN;
  }
}

/**
 * Calls `visit` for every message in `buf[0, len)` (one datagram may hold many), reusing `view`.
 * Throws NetlinkDecodeError on a malformed header (the rest of the datagram is unusable then).
 * `visit` returning false stops the walk.
 */
export function forEachMessage(
  buf: Uint8Array,
  len: number,
  view: NlMsgView,
  visit: (m: NlMsgView) => boolean | void,
  /** Where the first message starts (`len` is then where the last ends, not a length). */
  from = 0,
): void {
  let off = from;
  while (off + NLMSG_HDRLEN <= len) {
    const fault = checkNlMsg(buf, off, len);
    if (fault) throw new NetlinkDecodeError(fault);
    view.reset(buf, off);
    const next = off + nlmsgAlign(view.length);
    if (visit(view) === false) return;
    off = next;
  }
}

/** Writes an nlmsghdr; `len` may be patched later (see NlWriter.end). */
export function putNlMsgHeader(
  b: Uint8Array,
  off: number,
  len: number,
  type: number,
  flags: number,
  seq: number,
  pid: number,
): void {
  putU32h(b, off, len);
  putU16h(b, off + 4, type);
  putU16h(b, off + 6, flags);
  putU32h(b, off + 8, seq >>> 0);
  putU32h(b, off + 12, pid >>> 0);
}

export function putNfGenMsg(
  b: Uint8Array,
  off: number,
  family: number,
  version: number,
  resId: number,
): void {
  b[off] = family;
  b[off + 1] = version;
  putBe16(b, off + 2, resId);
}

/** A plain decoded header, for tests and diagnostics (the views above are for hot paths). */
export interface NlMsgHeader {
  length: number;
  type: number;
  flags: number;
  seq: number;
  pid: number;
}

export function parseNlMsgHeader(b: Uint8Array, off = 0): NlMsgHeader {
  const fault = checkNlMsg(b, off, b.length);
  if (fault) throw new NetlinkDecodeError(fault);
  const v = new NlMsgView().reset(b, off);
  return { length: v.length, type: v.type, flags: v.flags, seq: v.seq, pid: v.pid };
}
