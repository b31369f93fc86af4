// TCP options (RFC 9293 §3.1 and the kinds Linux knows, include/net/tcp.h): one walk over the
// option bytes of a header, in place; what the toolkit reads from them; encoding for the builder.
import { be16, be32, putBe32 } from '../bytes/endian.js';
import { malformed, type DecodeFault } from '../errors.js';

export const TCPOPT_EOL = 0;
export const TCPOPT_NOP = 1;
export const TCPOPT_MSS = 2;
/** Window scale (RFC 7323). */
export const TCPOPT_WSCALE = 3;
/** RFC 2018. */
export const TCPOPT_SACK_PERMITTED = 4;
export const TCPOPT_SACK = 5;
/** RFC 7323. */
export const TCPOPT_TIMESTAMP = 8;
/** TCP-MD5 signature (RFC 2385): a receiver with a key drops every segment without a valid one. */
export const TCPOPT_MD5SIG = 19;
/** TCP Authentication Option (RFC 5925): like TCP-MD5, unsigned segments are dropped. */
export const TCPOPT_AO = 29;
/** Multipath TCP (RFC 8684): one option kind, the subtype in the high nibble of its third byte. */
export const TCPOPT_MPTCP = 30;
/** TCP Fast Open cookie (RFC 7413). */
export const TCPOPT_FASTOPEN = 34;
/** Experimental (RFC 6994): a 16-bit ExID follows the length (Linux sends Fast Open as 0xf989). */
export const TCPOPT_EXP = 254;

/** Lengths of the options with a fixed one (the kind and length bytes included). */
export const TCPOLEN_MSS = 4;
export const TCPOLEN_WSCALE = 3;
export const TCPOLEN_SACK_PERMITTED = 2;
export const TCPOLEN_TIMESTAMP = 10;
export const TCPOLEN_MD5SIG = 18;

const EMPTY = new Uint8Array(0);

/**
 * The one walk over a header's options, allocation-free (reset it per packet). `next()` moves to
 * the next option other than NOP and returns false at EOL or the end of the options. An option
 * whose length byte is missing, below 2 or runs past the header is still visited — its kind byte
 * is there — with `length` 0 and `fault` saying why; the walk ends after it, as nothing behind a
 * broken length can be located.
 */
export class TcpOptionWalk {
  buf: Uint8Array = EMPTY;
  /** Offset of the current option's kind byte. */
  offset = 0;
  /** The current option's kind, -1 before the first `next()` and after the last. */
  kind = -1;
  /** The current option's length byte (2 or more), or 0 for a broken option. */
  length = 0;
  /** Why the current option is broken, or null. */
  fault: DecodeFault | null = null;
  private at = 0;
  private end = 0;

  /** Starts a walk over the option bytes `b[off, off+len)`. */
  reset(b: Uint8Array, off: number, len: number): this {
    this.buf = b;
    this.at = off;
    this.end = off + len;
    this.offset = off;
    this.kind = -1;
    this.length = 0;
    this.fault = null;
    return this;
  }

  next(): boolean {
    const b = this.buf;
    const end = this.end;
    let p = this.at;
    if (this.fault) p = end;
    while (p < end && b[p] === TCPOPT_NOP) p++;
    if (p >= end || b[p] === TCPOPT_EOL) {
      this.at = end;
      this.kind = -1;
      this.length = 0;
      return false;
    }
    const kind = b[p];
    this.offset = p;
    this.kind = kind;
    this.length = 0;
    if (p + 1 >= end) {
      this.fault = malformed('tcp-options', p, `option ${kind} has no length byte`, end - p);
      return true;
    }
    const olen = b[p + 1];
    if (olen < 2) {
      this.fault = malformed('tcp-options', p, `option ${kind} has length ${olen}`, end - p);
      return true;
    }
    if (p + olen > end) {
      this.fault = malformed(
        'tcp-options',
        p,
        `option ${kind} of ${olen} bytes runs past the header`,
        end - p,
      );
      return true;
    }
    this.length = olen;
    this.at = p + olen;
    return true;
  }
}

/**
 * The options this toolkit understands, read from one header. Reused between packets; the
 * offsets point into the buffer that was read and are valid as long as it is.
 */
export class TcpOptions {
  /** -1 when absent. */
  mss = -1;
  /** -1 when absent. */
  windowScale = -1;
  sackPermitted = false;
  /** Number of SACK blocks (their edges are not kept). */
  sackBlocks = 0;
  hasTimestamp = false;
  tsVal = 0;
  tsEcr = 0;
  /** TCP-MD5: offset of the 16-byte digest, -1 when absent. */
  md5Digest = -1;
  /** TCP-AO: the key ids (-1 when absent) and where the MAC lies. */
  aoKeyId = -1;
  aoRnextKeyId = -1;
  aoMac = -1;
  aoMacLength = 0;
  /** MPTCP: subtype of the first MPTCP option (0 MP_CAPABLE, 2 DSS …), -1 when absent. */
  mptcpSubtype = -1;
  /** Fast Open: offset and length of the cookie (length 0: a cookie request), -1 when absent. */
  fastOpenCookie = -1;
  fastOpenCookieLength = 0;
  /** The walk readTcpOptions uses (kept here so that reading allocates nothing). */
  readonly walk = new TcpOptionWalk();

  clear(): this {
    this.mss = -1;
    this.windowScale = -1;
    this.sackPermitted = false;
    this.sackBlocks = 0;
    this.hasTimestamp = false;
    this.tsVal = 0;
    this.tsEcr = 0;
    this.md5Digest = -1;
    this.aoKeyId = -1;
    this.aoRnextKeyId = -1;
    this.aoMac = -1;
    this.aoMacLength = 0;
    this.mptcpSubtype = -1;
    this.fastOpenCookie = -1;
    this.fastOpenCookieLength = 0;
    return this;
  }
}

function lengthFault(
  what: string,
  p: number,
  olen: number,
  expected: string,
  end: number,
): DecodeFault {
  return malformed('tcp-options', p, `${what} option has length ${olen}${expected}`, end - p);
}

/**
 * Reads the option bytes `b[off, off+len)` into `out`. Unknown options are skipped by their
 * length. Returns a fault for an option whose length is below 2 or runs past the header, or whose
 * length does not fit its kind; `out` then holds what was read before it.
 */
export function readTcpOptions(
  b: Uint8Array,
  off: number,
  len: number,
  out: TcpOptions,
): DecodeFault | null {
  out.clear();
  const end = off + len;
  const w = out.walk.reset(b, off, len);
  while (w.next()) {
    if (w.fault) return w.fault;
    const p = w.offset;
    const olen = w.length;
    switch (w.kind) {
      case TCPOPT_MSS:
        if (olen !== TCPOLEN_MSS) return lengthFault('MSS', p, olen, ', not 4', end);
        out.mss = be16(b, p + 2);
        break;
      case TCPOPT_WSCALE:
        if (olen !== TCPOLEN_WSCALE) return lengthFault('window scale', p, olen, ', not 3', end);
        out.windowScale = b[p + 2];
        break;
      case TCPOPT_SACK_PERMITTED:
        if (olen !== TCPOLEN_SACK_PERMITTED)
          return lengthFault('SACK-permitted', p, olen, ', not 2', end);
        out.sackPermitted = true;
        break;
      case TCPOPT_SACK:
        if ((olen - 2) % 8 !== 0) return lengthFault('SACK', p, olen, '', end);
        out.sackBlocks = (olen - 2) / 8;
        break;
      case TCPOPT_TIMESTAMP:
        if (olen !== TCPOLEN_TIMESTAMP) return lengthFault('timestamp', p, olen, ', not 10', end);
        out.hasTimestamp = true;
        out.tsVal = be32(b, p + 2);
        out.tsEcr = be32(b, p + 6);
        break;
      case TCPOPT_MD5SIG:
        if (olen !== TCPOLEN_MD5SIG) return lengthFault('MD5 signature', p, olen, ', not 18', end);
        out.md5Digest = p + 2;
        break;
      case TCPOPT_AO:
        // kind, length, KeyID, RNextKeyID, then the MAC
        if (olen < 4) return lengthFault('TCP-AO', p, olen, ', below 4', end);
        out.aoKeyId = b[p + 2];
        out.aoRnextKeyId = b[p + 3];
        out.aoMac = p + 4;
        out.aoMacLength = olen - 4;
        break;
      case TCPOPT_MPTCP:
        if (olen < 3) return lengthFault('MPTCP', p, olen, ', below 3', end);
        if (out.mptcpSubtype < 0) out.mptcpSubtype = b[p + 2] >> 4;
        break;
      case TCPOPT_FASTOPEN:
        // a request carries no cookie; a cookie has 4 to 16 bytes
        if (olen !== 2 && (olen < 6 || olen > 18))
          return lengthFault('Fast Open', p, olen, '', end);
        out.fastOpenCookie = p + 2;
        out.fastOpenCookieLength = olen - 2;
        break;
      default:
        break;
    }
  }
  return null;
}

export interface TcpOptionsSpec {
  mss?: number;
  windowScale?: number;
  sackPermitted?: boolean;
  timestamp?: { val: number; ecr: number };
  /** A TCP-MD5 signature: the 16-byte digest. */
  md5Digest?: Uint8Array;
}

/** Encodes options in the order Linux sends them on a SYN, NOP-padded to a multiple of 4. */
export function encodeTcpOptions(spec: TcpOptionsSpec): Uint8Array {
  const out: number[] = [];
  if (spec.md5Digest) {
    if (spec.md5Digest.length !== 16)
      throw new RangeError(`a TCP-MD5 digest has 16 bytes, not ${spec.md5Digest.length}`);
    out.push(TCPOPT_NOP, TCPOPT_NOP, TCPOPT_MD5SIG, TCPOLEN_MD5SIG, ...spec.md5Digest);
  }
  if (spec.mss !== undefined)
    out.push(TCPOPT_MSS, TCPOLEN_MSS, (spec.mss >> 8) & 0xff, spec.mss & 0xff);
  if (spec.sackPermitted) out.push(TCPOPT_SACK_PERMITTED, TCPOLEN_SACK_PERMITTED);
  if (spec.timestamp) {
    const t = new Uint8Array(TCPOLEN_TIMESTAMP);
    t[0] = TCPOPT_TIMESTAMP;
    t[1] = TCPOLEN_TIMESTAMP;
    putBe32(t, 2, spec.timestamp.val >>> 0);
    putBe32(t, 6, spec.timestamp.ecr >>> 0);
    out.push(...t);
  }
  if (spec.windowScale !== undefined)
    out.push(TCPOPT_NOP, TCPOPT_WSCALE, TCPOLEN_WSCALE, spec.windowScale);
  while (out.length % 4 !== 0) out.push(TCPOPT_NOP);
  return new Uint8Array(out);
}
