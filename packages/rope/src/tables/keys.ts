// The keys scripts usually store in tables, built from a decoded packet or from address bytes,
// and read back: an address (4 bytes for IPv4, 16 for IPv6, network byte order) or an address and
// port (the address, then the port as 2 bytes, big-endian). Byte strings, as rope's strings are latin1, so the keys a script builds by
// hand (`$data 4 lift …`, a peer list from a tracker response) compare equal to these: a compact
// peer entry from a tracker is exactly an address-and-port key.
import { formatIp, type Packet } from '@p2pwall/core';

/** Which end of the packet: its source or its destination. */
export type End = 'src' | 'dst';

// Built per packet by the key words (`src_endpoint_key` …): one string from the packet's bytes,
// in one String.fromCharCode call, with no Buffer view over the packet and no concatenation
// (which cost three more objects per key). The char codes are the bytes, as a latin1 decode gives.

/** The address of one end of `p`, as a key. */
export function addressKey(p: Packet, end: End): string {
  const b = p.buf;
  const o = end === 'src' ? p.srcOffset : p.dstOffset;
  if (p.version !== 6) return String.fromCharCode(b[o], b[o + 1], b[o + 2], b[o + 3]);
  // prettier-ignore
  return String.fromCharCode(
    b[o], b[o + 1], b[o + 2], b[o + 3], b[o + 4], b[o + 5], b[o + 6], b[o + 7],
    b[o + 8], b[o + 9], b[o + 10], b[o + 11], b[o + 12], b[o + 13], b[o + 14], b[o + 15],
  );
}

/** The address and port of one end of `p`, as a key; the address alone when `p` has no ports. */
export function endpointKey(p: Packet, end: End): string {
  if (!p.hasPorts) return addressKey(p, end);
  const b = p.buf;
  const src = end === 'src';
  const o = src ? p.srcOffset : p.dstOffset;
  const port = src ? p.srcPort : p.dstPort;
  if (p.version !== 6)
    return String.fromCharCode(b[o], b[o + 1], b[o + 2], b[o + 3], port >>> 8, port & 0xff);
  // prettier-ignore
  return String.fromCharCode(
    b[o], b[o + 1], b[o + 2], b[o + 3], b[o + 4], b[o + 5], b[o + 6], b[o + 7],
    b[o + 8], b[o + 9], b[o + 10], b[o + 11], b[o + 12], b[o + 13], b[o + 14], b[o + 15],
    port >>> 8, port & 0xff,
  );
}

/** An address (4 or 16 bytes), and its port unless null, as a key. */
export function endpointKeyOf(address: Uint8Array, port: number | null): string {
  const k = Buffer.from(address).toString('latin1');
  return port === null ? k : k + String.fromCharCode((port >>> 8) & 0xff, port & 0xff);
}

/** A key's address and port (null: none), or null when it is neither key shape. */
export function splitEndpointKey(
  key: string,
): { family: 4 | 6; address: string; port: number | null } | null {
  const b = Buffer.from(key, 'latin1');
  const len = b.length === 4 || b.length === 6 ? 4 : b.length === 16 || b.length === 18 ? 16 : 0;
  if (len === 0) return null;
  return {
    family: len === 4 ? 4 : 6,
    address: formatIp(b, 0, len),
    port: b.length > len ? b.readUInt16BE(len) : null,
  };
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
