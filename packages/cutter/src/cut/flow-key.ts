// One direction of a flow (source address and port to destination address and port): made once
// from conntrack's text tuple, and recognised in a packet's bytes with a hash and a byte
// comparison — no key is built per packet.
import { be32, parseIp } from '@p2pwall/core';

function mix(h: number, w: number): number {
  h = Math.imul(h ^ w, 0x9e3779b1);
  return (h ^ (h >>> 15)) | 0;
}

/** Hash of the direction whose addresses (`len` bytes each) sit at `srcOff` and `dstOff` of `b`. */
export function directionHash(
  b: Uint8Array,
  srcOff: number,
  dstOff: number,
  len: number,
  sport: number,
  dport: number,
): number {
  let h = mix(len, (sport << 16) | dport);
  // addresses are 4 or 16 bytes: whole big-endian 32-bit words
  for (let i = 0; i < len; i += 4) h = mix(mix(h, be32(b, srcOff + i)), be32(b, dstOff + i));
  return h;
}

export class DirectionKey {
  readonly hash: number;
  /** Source address bytes, then destination address bytes. */
  private readonly bytes: Uint8Array;
  private readonly addrLength: number;

  /** The direction src:sport -> dst:dport given as text (throws RangeError for a bad address). */
  constructor(
    src: string,
    readonly sport: number,
    dst: string,
    readonly dport: number,
  ) {
    const s = parseIp(src);
    const d = parseIp(dst);
    if (!s || !d || s.length !== d.length) throw new RangeError(`bad flow ${src} -> ${dst}`);
    this.addrLength = s.length;
    this.bytes = new Uint8Array(s.length * 2);
    this.bytes.set(s, 0);
    this.bytes.set(d, s.length);
    this.hash = directionHash(this.bytes, 0, s.length, s.length, sport, dport);
  }

  /** The packet whose addresses sit at `srcOff`/`dstOff` of `b` travels this direction. */
  matches(
    b: Uint8Array,
    srcOff: number,
    dstOff: number,
    len: number,
    sport: number,
    dport: number,
  ): boolean {
    if (len !== this.addrLength || sport !== this.sport || dport !== this.dport) return false;
    const k = this.bytes;
    for (let i = 0; i < len; i++)
      if (b[srcOff + i] !== k[i] || b[dstOff + i] !== k[len + i]) return false;
    return true;
  }

  /** Same direction as `other`. */
  equals(other: DirectionKey): boolean {
    return (
      other.hash === this.hash &&
      other.matches(this.bytes, 0, this.addrLength, this.addrLength, this.sport, this.dport)
    );
  }
}
