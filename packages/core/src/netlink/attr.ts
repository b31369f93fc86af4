// struct nlattr: nla_len u16, nla_type u16 (host byte order), payload padded to 4 bytes.
// Reading goes through an AttrTable: one pass records where each known type sits (libmnl's
// mnl_attr_parse into a table), so a decoder asks for what it needs without allocating. The
// kernel sets NLA_F_NESTED on nests it emits; the type is always masked with NLA_TYPE_MASK.
// Writing lives in writer.ts.
import { be16, be32 } from '../bytes/endian.js';
import { NLA_TYPE_MASK } from './constants.js';
import { malformedAt, NetlinkDecodeError, type NetlinkDecodeFault } from './errors.js';
import { be64, u16h, u32h } from './host-order.js';

export const NLA_HDRLEN = 4;
export const NLA_ALIGNTO = 4;

export function nlaAlign(n: number): number {
  return (n + NLA_ALIGNTO - 1) & ~(NLA_ALIGNTO - 1);
}

/**
 * What is wrong with the attribute at `off` of the stream `b[start, end)`, or null when its header
 * and payload fit. The fault is reported at `start`, the attribute's own offset is in the problem.
 */
function attrFault(
  b: Uint8Array,
  start: number,
  off: number,
  end: number,
): NetlinkDecodeFault | null {
  const len = u16h(b, off);
  if (len < NLA_HDRLEN)
    return malformedAt(start, { kind: 'attribute-length-below-header', at: off, length: len });
  if (off + len > end)
    return malformedAt(start, {
      kind: 'attribute-beyond-data',
      at: off,
      attrType: u16h(b, off + 2) & NLA_TYPE_MASK,
      length: len,
      available: end - off,
    });
  return null;
}

/**
 * Why the attribute stream `b[start, end)` is malformed, or null. Trailing bytes shorter than a
 * header are tolerated (padding), as the kernel's nla_for_each_attr does.
 */
export function checkAttrs(b: Uint8Array, start: number, end: number): NetlinkDecodeFault | null {
  let off = start;
  while (off + NLA_HDRLEN <= end) {
    const fault = attrFault(b, start, off, end);
    if (fault) return fault;
    off += nlaAlign(u16h(b, off));
  }
  return null;
}

/**
 * Calls `visit(type, payloadOffset, payloadLength, rawType)` for every attribute in
 * `b[start, end)`; `type` is masked, `rawType` keeps NLA_F_NESTED / NLA_F_NET_BYTEORDER.
 * Throws NetlinkDecodeError (at the bad attribute) on a malformed stream.
 */
export function forEachAttr(
  b: Uint8Array,
  start: number,
  end: number,
  visit: (type: number, off: number, len: number, rawType: number) => void,
): void {
  let off = start;
  while (off + NLA_HDRLEN <= end) {
    const fault = attrFault(b, off, off, end);
    if (fault) throw new NetlinkDecodeError(fault);
    const len = u16h(b, off);
    const raw = u16h(b, off + 2);
    visit(raw & NLA_TYPE_MASK, off + NLA_HDRLEN, len - NLA_HDRLEN, raw);
    off += nlaAlign(len);
  }
}

/**
 * Positions of the attributes of one level, indexed by type (0..maxType). Types above maxType
 * (newer kernels) are skipped, as are *_PAD attributes by simply never being asked for. The last
 * occurrence of a type wins. Reuse one table per nesting level: parse() resets it.
 */
export class AttrTable {
  buf: Uint8Array = new Uint8Array(0);
  private readonly offs: Int32Array;
  private readonly lens: Int32Array;
  readonly maxType: number;

  constructor(maxType: number) {
    this.maxType = maxType;
    this.offs = new Int32Array(maxType + 1).fill(-1);
    this.lens = new Int32Array(maxType + 1);
  }

  /**
   * Indexes `b[start, end)`. Returns null, or why the stream is malformed (table then empty).
   * Allocates only for a fault.
   */
  parse(b: Uint8Array, start: number, end: number): NetlinkDecodeFault | null {
    this.buf = b;
    this.offs.fill(-1);
    let off = start;
    while (off + NLA_HDRLEN <= end) {
      const len = u16h(b, off);
      if (len < NLA_HDRLEN || off + len > end) {
        this.offs.fill(-1);
        return attrFault(b, start, off, end);
      }
      const type = u16h(b, off + 2) & NLA_TYPE_MASK;
      if (type <= this.maxType) {
        this.offs[type] = off + NLA_HDRLEN;
        this.lens[type] = len - NLA_HDRLEN;
      }
      off += nlaAlign(len);
    }
    return null;
  }

  /** Like parse, but throws NetlinkDecodeError. */
  parseOrThrow(b: Uint8Array, start: number, end: number): this {
    const fault = this.parse(b, start, end);
    if (fault) throw new NetlinkDecodeError(fault);
    return this;
  }

  has(type: number): boolean {
    return type <= this.maxType && this.offs[type] >= 0;
  }
  /** Payload offset of `type`, or -1. */
  offset(type: number): number {
    return type <= this.maxType ? this.offs[type] : -1;
  }
  /** Payload length of `type` (0 when absent). */
  length(type: number): number {
    return this.has(type) ? this.lens[type] : 0;
  }
  /** Parses the nested attribute `type` into `into`; false when absent or malformed. */
  nested(type: number, into: AttrTable): boolean {
    if (!this.has(type)) return false;
    return into.parse(this.buf, this.offs[type], this.offs[type] + this.lens[type]) === null;
  }
  /** Each reader returns `fallback` when the attribute is absent or shorter than its type. */
  u8(type: number, fallback = 0): number {
    return this.length(type) >= 1 ? this.buf[this.offs[type]] : fallback;
  }
  be16(type: number, fallback = 0): number {
    return this.length(type) >= 2 ? be16(this.buf, this.offs[type]) : fallback;
  }
  be32(type: number, fallback = 0): number {
    return this.length(type) >= 4 ? be32(this.buf, this.offs[type]) : fallback;
  }
  be64(type: number, fallback = 0n): bigint {
    return this.length(type) >= 8 ? be64(this.buf, this.offs[type]) : fallback;
  }
  /** Host-order integers (rare in netfilter: CTA_FILTER flags). */
  u16h(type: number, fallback = 0): number {
    return this.length(type) >= 2 ? u16h(this.buf, this.offs[type]) : fallback;
  }
  u32h(type: number, fallback = 0): number {
    return this.length(type) >= 4 ? u32h(this.buf, this.offs[type]) : fallback;
  }
  /** The payload as a view into the message buffer (no copy; copy it to keep it). */
  bytes(type: number): Uint8Array | undefined {
    return this.has(type)
      ? this.buf.subarray(this.offs[type], this.offs[type] + this.lens[type])
      : undefined;
  }
  /** A NUL-terminated string payload. */
  string(type: number): string | undefined {
    if (!this.has(type)) return undefined;
    const o = this.offs[type];
    let e = o + this.lens[type];
    const nul = this.buf.indexOf(0, o);
    if (nul >= 0 && nul < e) e = nul;
    return Buffer.from(this.buf.buffer, this.buf.byteOffset + o, e - o).toString('utf8');
  }
}
