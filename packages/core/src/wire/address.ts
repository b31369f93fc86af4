// IP addresses as bytes and as text. Formatting follows RFC 5952 (lower case, longest zero run
// compressed, IPv4-mapped shown dotted); parsing accepts what `inet_pton` accepts.
import { isIPv6 } from 'node:net';

export function formatIpv4(b: Uint8Array, off = 0): string {
  return `${b[off]}.${b[off + 1]}.${b[off + 2]}.${b[off + 3]}`;
}

export function formatIpv6(b: Uint8Array, off = 0): string {
  const words: number[] = [];
  for (let i = 0; i < 8; i++) words.push((b[off + 2 * i] << 8) | b[off + 2 * i + 1]);
  // IPv4-mapped ::ffff:a.b.c.d
  if (words.slice(0, 5).every((w) => w === 0) && words[5] === 0xffff) {
    return `::ffff:${formatIpv4(b, off + 12)}`;
  }
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8;) {
    if (words[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = words.map((w) => w.toString(16));
  if (bestStart < 0) return hex.join(':');
  const head = hex.slice(0, bestStart).join(':');
  const tail = hex.slice(bestStart + bestLen).join(':');
  return `${head}::${tail}`;
}

/** Formats a 4- or 16-byte address. */
export function formatIp(b: Uint8Array, off = 0, len: 4 | 16 = 4): string {
  return len === 4 ? formatIpv4(b, off) : formatIpv6(b, off);
}

/** `ip:port`, or `[ip6]:port` — the endpoint notation of truth.tsv and the JSON outputs. */
export function formatEndpoint(b: Uint8Array, off: number, len: 4 | 16, port: number): string {
  return len === 4 ? `${formatIpv4(b, off)}:${port}` : `[${formatIpv6(b, off)}]:${port}`;
}

/** `ip:port`, or `[ip6]:port`, from address text (the same notation as formatEndpoint). */
export function joinHostPort(address: string, port: number): string {
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}

/**
 * Dotted-quad text into `out[off, off + 4)`, accepting exactly what node:net's isIPv4 accepts:
 * four decimal numbers of 0–255 without leading zeros, separated by dots. False when it is not
 * that, and then nothing is written. A loop over the characters, not isIPv4's regular expression
 * and a split: cutter parses the addresses of every connection it cuts several times (matching,
 * sorting, rules, packets).
 */
function parseIpv4Into(text: string, out: Uint8Array, off: number): boolean {
  const n = text.length;
  if (n < 7 || n > 15) return false;
  let i = 0;
  let value = 0;
  for (let part = 0; part < 4; part++) {
    if (part > 0) {
      if (text.charCodeAt(i) !== 0x2e) return false;
      i++;
    }
    const start = i;
    let v = 0;
    while (i < n && i - start < 4) {
      const d = text.charCodeAt(i) - 0x30;
      if (d < 0 || d > 9) break;
      v = v * 10 + d;
      i++;
    }
    const len = i - start;
    if (len === 0 || len > 3 || v > 255) return false;
    if (len > 1 && text.charCodeAt(start) === 0x30) return false;
    value = value * 256 + v;
  }
  if (i !== n) return false;
  out[off] = value >>> 24;
  out[off + 1] = (value >>> 16) & 0xff;
  out[off + 2] = (value >>> 8) & 0xff;
  out[off + 3] = value & 0xff;
  return true;
}

/**
 * Parses IPv4 or IPv6 text into `out` at `off`; returns the address's length (4 or 16), or 0 when
 * it is not an address (nothing written). Allocates nothing for IPv4.
 */
export function parseIpInto(text: string, out: Uint8Array, off: number): 0 | 4 | 16 {
  if (parseIpv4Into(text, out, off)) return 4;
  const b = parseIp(text);
  if (!b) return 0;
  out.set(b, off);
  return 16;
}

/** Parses IPv4 or IPv6 text into 4 or 16 bytes; null when it is not an address. */
export function parseIp(text: string): Uint8Array | null {
  const v4 = new Uint8Array(4);
  if (parseIpv4Into(text, v4, 0)) return v4;
  if (!isIPv6(text)) return null;
  let s = text;
  const zone = s.indexOf('%');
  if (zone >= 0) s = s.slice(0, zone);
  const out = new Uint8Array(16);
  let tailV4: number[] | null = null;
  const lastColon = s.lastIndexOf(':');
  if (s.slice(lastColon + 1).includes('.')) {
    tailV4 = s
      .slice(lastColon + 1)
      .split('.')
      .map(Number);
    s = s.slice(0, lastColon + 1) + '0:0';
  }
  const halves = s.split('::');
  const head = halves[0] ? halves[0].split(':') : [];
  const tail = halves.length > 1 && halves[1] ? halves[1].split(':') : [];
  const words = new Array<number>(8).fill(0);
  head.forEach((h, i) => (words[i] = parseInt(h, 16)));
  tail.forEach((h, i) => (words[8 - tail.length + i] = parseInt(h, 16)));
  words.forEach((w, i) => {
    out[2 * i] = w >> 8;
    out[2 * i + 1] = w & 0xff;
  });
  if (tailV4) out.set(tailV4, 12);
  return out;
}

/** An address as its text or as its 4 or 16 bytes. */
export type AddressInput = string | Uint8Array;

/**
 * An address given as text or as bytes, as 4 or 16 bytes; a RangeError when it is neither (what
 * the builders and the forged resets take their addresses through).
 */
export function addressBytes(a: AddressInput): Uint8Array {
  if (typeof a !== 'string') {
    if (a.length !== 4 && a.length !== 16) throw new RangeError(`address of ${a.length} bytes`);
    return a;
  }
  const b = parseIp(a);
  if (!b) throw new RangeError(`not an IP address: ${JSON.stringify(a)}`);
  return b;
}
