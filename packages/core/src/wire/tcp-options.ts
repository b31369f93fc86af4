// TCP options (RFC 9293 §3.1, RFC 7323, RFC 2018): reading them from a header in place, and
// encoding them for the builder.
import { be16, be32, putBe32 } from '../bytes/endian.js';
import { malformed, type DecodeFault } from '../errors.js';

export const TCPOPT_EOL = 0;
export const TCPOPT_NOP = 1;
export const TCPOPT_MSS = 2;
export const TCPOPT_WSCALE = 3;
export const TCPOPT_SACK_PERMITTED = 4;
export const TCPOPT_SACK = 5;
export const TCPOPT_TIMESTAMP = 8;

/** The options this toolkit understands, read from one header. Reused between packets. */
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

  clear(): this {
    this.mss = -1;
    this.windowScale = -1;
    this.sackPermitted = false;
    this.sackBlocks = 0;
    this.hasTimestamp = false;
    this.tsVal = 0;
    this.tsEcr = 0;
    return this;
  }
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
  let p = off;
  while (p < end) {
    const kind = b[p];
    if (kind === TCPOPT_EOL) break;
    if (kind === TCPOPT_NOP) {
      p++;
      continue;
    }
    if (p + 1 >= end)
      return malformed('tcp-options', p, `option ${kind} has no length byte`, end - p);
    const olen = b[p + 1];
    if (olen < 2) return malformed('tcp-options', p, `option ${kind} has length ${olen}`, end - p);
    if (p + olen > end)
      return malformed(
        'tcp-options',
        p,
        `option ${kind} of ${olen} bytes runs past the header`,
        end - p,
      );
    switch (kind) {
      case TCPOPT_MSS:
        if (olen !== 4)
          return malformed('tcp-options', p, `MSS option has length ${olen}, not 4`, end - p);
        out.mss = be16(b, p + 2);
        break;
      case TCPOPT_WSCALE:
        if (olen !== 3)
          return malformed(
            'tcp-options',
            p,
            `window scale option has length ${olen}, not 3`,
            end - p,
          );
        out.windowScale = b[p + 2];
        break;
      case TCPOPT_SACK_PERMITTED:
        if (olen !== 2)
          return malformed(
            'tcp-options',
            p,
            `SACK-permitted option has length ${olen}, not 2`,
            end - p,
          );
        out.sackPermitted = true;
        break;
      case TCPOPT_SACK:
        if ((olen - 2) % 8 !== 0)
          return malformed('tcp-options', p, `SACK option has length ${olen}`, end - p);
        out.sackBlocks = (olen - 2) / 8;
        break;
      case TCPOPT_TIMESTAMP:
        if (olen !== 10)
          return malformed(
            'tcp-options',
            p,
            `timestamp option has length ${olen}, not 10`,
            end - p,
          );
        out.hasTimestamp = true;
        out.tsVal = be32(b, p + 2);
        out.tsEcr = be32(b, p + 6);
        break;
      default:
        break;
    }
    p += olen;
  }
  return null;
}

export interface TcpOptionsSpec {
  mss?: number;
  windowScale?: number;
  sackPermitted?: boolean;
  timestamp?: { val: number; ecr: number };
}

/** Encodes options in the order Linux sends them on a SYN, NOP-padded to a multiple of 4. */
export function encodeTcpOptions(spec: TcpOptionsSpec): Uint8Array {
  const out: number[] = [];
  if (spec.mss !== undefined) out.push(TCPOPT_MSS, 4, (spec.mss >> 8) & 0xff, spec.mss & 0xff);
  if (spec.sackPermitted) out.push(TCPOPT_SACK_PERMITTED, 2);
  if (spec.timestamp) {
    const t = new Uint8Array(10);
    t[0] = TCPOPT_TIMESTAMP;
    t[1] = 10;
    putBe32(t, 2, spec.timestamp.val >>> 0);
    putBe32(t, 6, spec.timestamp.ecr >>> 0);
    out.push(...t);
  }
  if (spec.windowScale !== undefined) out.push(TCPOPT_NOP, TCPOPT_WSCALE, 3, spec.windowScale);
  while (out.length % 4 !== 0) out.push(TCPOPT_NOP);
  return new Uint8Array(out);
}
