// Building netlink requests: nlmsghdr, nfgenmsg or another fixed header, then attributes with
// nesting. One writer can hold several messages (a batch sent as one datagram). The returned
// Buffer belongs to the caller — the `netlink` package may keep it queued until the socket is
// writable — and the writer starts a fresh one.
import { putBe16, putBe32, putBe64Number } from '../bytes/endian.js';
import { NLA_F_NESTED } from './constants.js';
import { NLA_HDRLEN, nlaAlign } from './attr.js';
import { putBe64, putU16h, putU32h } from './host-order.js';
import { NFGENMSG_LEN, NLMSG_HDRLEN, nlmsgAlign, putNfGenMsg, putNlMsgHeader } from './message.js';

export class NlWriter {
  private buf: Buffer;
  private pos = 0;
  private msgStart = -1;

  constructor(private readonly initialSize = 256) {
    this.buf = Buffer.allocUnsafe(initialSize);
  }

  /** Bytes written so far (all messages). */
  get length(): number {
    return this.pos;
  }

  /**
   * Makes room for `n` more bytes at once, for a caller that knows roughly how much it will write
   * (a transaction of thousands of set elements): one allocation and copy instead of a doubling
   * series. Writing more than `n` still works.
   */
  ensureCapacity(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(this.pos + n);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  private reserve(n: number): number {
    if (this.pos + n > this.buf.length) {
      const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
      this.buf.copy(next, 0, 0, this.pos);
      this.buf = next;
    }
    const at = this.pos;
    this.pos += n;
    return at;
  }

  private pad(): void {
    const aligned = nlaAlign(this.pos);
    if (aligned > this.pos) {
      const at = this.reserve(aligned - this.pos);
      this.buf.fill(0, at, this.pos);
    }
  }

  /** Starts a message; nlmsg_len is filled in by end() (or finish()). */
  begin(type: number, flags: number, seq: number, pid = 0): this {
    if (this.msgStart >= 0) this.end();
    const at = this.reserve(NLMSG_HDRLEN);
    putNlMsgHeader(this.buf, at, NLMSG_HDRLEN, type, flags, seq, pid);
    this.msgStart = at;
    return this;
  }

  /** struct nfgenmsg: family, version, res_id (big-endian). */
  nfgenmsg(family: number, version: number, resId: number): this {
    const at = this.reserve(NFGENMSG_LEN);
    putNfGenMsg(this.buf, at, family, version, resId);
    return this;
  }

  /** A fixed header that is not nfgenmsg (e.g. inet_diag_req_v2), written by `fill`. */
  struct(length: number, fill: (b: Buffer, off: number) => void): this {
    const at = this.reserve(nlmsgAlign(length));
    this.buf.fill(0, at, at + nlmsgAlign(length));
    fill(this.buf, at);
    return this;
  }

  /**
   * struct nlmsgerr, after begin(NLMSG_ERROR, …): the error (a negative errno, or 0 for an
   * acknowledgement) and the request it answers — as much of it as `request` holds (the kernel
   * echoes only the header of an ACK, and of an error with NLM_F_CAPPED).
   */
  nlmsgerr(error: number, request: Uint8Array): this {
    return this.struct(4 + request.length, (b, off) => {
      putU32h(b, off, error >>> 0);
      b.set(request, off + 4);
    });
  }

  /** The s32 status of NLMSG_DONE: 0, or a negative errno when the dump failed. */
  doneStatus(status: number): this {
    return this.struct(4, (b, off) => putU32h(b, off, status >>> 0));
  }

  private attrHeader(type: number, payload: number): number {
    const at = this.reserve(NLA_HDRLEN + payload);
    putU16h(this.buf, at, NLA_HDRLEN + payload);
    putU16h(this.buf, at + 2, type);
    return at + NLA_HDRLEN;
  }

  u8(type: number, v: number): this {
    const at = this.attrHeader(type, 1);
    this.buf[at] = v & 0xff;
    this.pad();
    return this;
  }
  be16(type: number, v: number): this {
    const at = this.attrHeader(type, 2);
    putBe16(this.buf, at, v);
    this.pad();
    return this;
  }
  be32(type: number, v: number): this {
    const at = this.attrHeader(type, 4);
    putBe32(this.buf, at, v >>> 0);
    return this;
  }
  be64(type: number, v: bigint): this {
    const at = this.attrHeader(type, 8);
    putBe64(this.buf, at, v);
    return this;
  }
  /** be64 of a non-negative safe integer, without a bigint. */
  be64Number(type: number, v: number): this {
    const at = this.attrHeader(type, 8);
    putBe64Number(this.buf, at, v);
    return this;
  }
  /** Host-order integers (CTA_FILTER flags and the like). */
  u16h(type: number, v: number): this {
    const at = this.attrHeader(type, 2);
    putU16h(this.buf, at, v);
    this.pad();
    return this;
  }
  u32h(type: number, v: number): this {
    const at = this.attrHeader(type, 4);
    putU32h(this.buf, at, v >>> 0);
    return this;
  }
  bytes(type: number, data: Uint8Array): this {
    const at = this.attrHeader(type, data.length);
    this.buf.set(data, at);
    this.pad();
    return this;
  }
  /** A NUL-terminated string. */
  string(type: number, s: string): this {
    const data = Buffer.from(s + '\0', 'utf8');
    return this.bytes(type, data);
  }
  /** An attribute with no payload (a flag). */
  flag(type: number): this {
    this.attrHeader(type, 0);
    return this;
  }

  /** Opens a nested attribute (NLA_F_NESTED is set, as the kernel's nla_nest_start does). */
  nestStart(type: number): number {
    const at = this.reserve(NLA_HDRLEN);
    putU16h(this.buf, at, NLA_HDRLEN);
    putU16h(this.buf, at + 2, type | NLA_F_NESTED);
    return at;
  }
  nestEnd(start: number): this {
    putU16h(this.buf, start, this.pos - start);
    return this;
  }

  /** Closes the current message (fills nlmsg_len). */
  end(): this {
    if (this.msgStart < 0) return this;
    this.pad();
    putU32h(this.buf, this.msgStart, this.pos - this.msgStart);
    this.msgStart = -1;
    return this;
  }

  /** Closes the current message and hands over the bytes; the writer starts over empty. */
  finish(): Buffer {
    this.end();
    const out = this.buf.subarray(0, this.pos);
    this.buf = Buffer.allocUnsafe(this.initialSize);
    this.pos = 0;
    return out;
  }
}
