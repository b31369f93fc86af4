// The keys scripts usually store in tables, built from a decoded packet: an address (4 bytes for
// IPv4, 16 for IPv6, network byte order) or an address and port (the address, then the port as 2
// bytes, big-endian). Byte strings, as rope's strings are latin1, so the keys a script builds by
// hand (`$data 4 lift …`, a peer list from a tracker response) compare equal to these: a compact
// peer entry from a tracker is exactly an address-and-port key.
import type { Packet } from '@p2pwall/core';

/** Which end of the packet: its source or its destination. */
export type End = 'src' | 'dst';

function addrLength(p: Packet): number {
  return p.version === 6 ? 16 : 4;
}

/** The address of one end of `p`, as a key. */
export function addressKey(p: Packet, end: End): string {
  const off = end === 'src' ? p.srcOffset : p.dstOffset;
  // one latin1 slice, as the machine makes `$data` (not a string built a character at a time)
  return Buffer.from(p.buf.buffer, p.buf.byteOffset, p.buf.byteLength).toString(
    'latin1',
    off,
    off + addrLength(p),
  );
}

/** The address and port of one end of `p`, as a key; the address alone when `p` has no ports. */
export function endpointKey(p: Packet, end: End): string {
  const a = addressKey(p, end);
  if (!p.hasPorts) return a;
  const port = end === 'src' ? p.srcPort : p.dstPort;
  return a + String.fromCharCode(port >>> 8, port & 0xff);
}

/** A key for people: `192.0.2.1`, `[2001:db8::1]:6881`, or hex when it is neither shape. */
export function keyText(key: string): string {
  const b = Buffer.from(key, 'latin1');
  const v4 = (o: number) => `${b[o]}.${b[o + 1]}.${b[o + 2]}.${b[o + 3]}`;
  const v6 = (o: number) => {
    const groups: string[] = [];
    for (let i = 0; i < 16; i += 2) groups.push(b.readUInt16BE(o + i).toString(16));
    // the longest run of zero groups (two or more) becomes ::
    let best = -1;
    let bestLen = 1;
    for (let i = 0; i < 8;) {
      let j = i;
      while (j < 8 && groups[j] === '0') j++;
      if (j - i > bestLen) {
        best = i;
        bestLen = j - i;
      }
      i = j === i ? i + 1 : j;
    }
    if (best < 0) return groups.join(':');
    return `${groups.slice(0, best).join(':')}::${groups.slice(best + bestLen).join(':')}`;
  };
  switch (b.length) {
    case 4:
      return v4(0);
    case 6:
      return `${v4(0)}:${b.readUInt16BE(4)}`;
    case 16:
      return v6(0);
    case 18:
      return `[${v6(0)}]:${b.readUInt16BE(16)}`;
    default:
      return b.toString('hex');
  }
}
