// A compact map key for one direction of a flow, built the same way from packet bytes (hot path:
// no address formatting) and from conntrack tuples (text addresses).
import { parseIp } from '@p2pwall/core';

function bytesKey(
  b: Uint8Array,
  srcOff: number,
  dstOff: number,
  len: number,
  sport: number,
  dport: number,
): string {
  let s = String.fromCharCode(len, sport, dport);
  for (let i = 0; i < len; i += 2)
    s += String.fromCharCode(
      (b[srcOff + i] << 8) | b[srcOff + i + 1],
      (b[dstOff + i] << 8) | b[dstOff + i + 1],
    );
  return s;
}

/** Key of a packet's direction from its decoded offsets. */
export function packetKey(
  b: Uint8Array,
  srcOff: number,
  dstOff: number,
  addrLen: number,
  sport: number,
  dport: number,
): string {
  return bytesKey(b, srcOff, dstOff, addrLen, sport, dport);
}

/** Key of the direction src:sport -> dst:dport given as text. */
export function tupleKey(src: string, sport: number, dst: string, dport: number): string {
  const s = parseIp(src);
  const d = parseIp(dst);
  if (!s || !d || s.length !== d.length) throw new RangeError(`bad flow ${src} -> ${dst}`);
  const both = new Uint8Array(s.length * 2);
  both.set(s, 0);
  both.set(d, s.length);
  return bytesKey(both, 0, s.length, s.length, sport, dport);
}
