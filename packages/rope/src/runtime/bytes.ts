// Byte-string helpers over latin1 JS strings and over the packet buffer.

/** ASCII lower-case of each byte. */
export const LOWER = new Uint8Array(256).map((_, c) => (c >= 0x41 && c <= 0x5a ? c + 32 : c));

export function toLowerAscii(s: string): string {
  // String.prototype.toLowerCase would also fold latin1 letters (À→à): only ASCII may change
  return /[A-Z]/.test(s) ? s.replace(/[A-Z]+/g, (m) => m.toLowerCase()) : s;
}

export function toUpperAscii(s: string): string {
  return /[a-z]/.test(s) ? s.replace(/[a-z]+/g, (m) => m.toUpperCase()) : s;
}

export function equalsIgnoreCase(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y && LOWER[x] !== LOWER[y]) return false;
  }
  return true;
}

/** Index of needle in s ignoring ASCII case, or -1. */
export function indexOfIgnoreCase(s: string, needle: string): number {
  return toLowerAscii(s).indexOf(toLowerAscii(needle));
}

/** True when `bytes` (lower-cased if `ci`) occur at `at` in buf, within `end`. */
export function bytesAt(
  buf: Uint8Array,
  at: number,
  end: number,
  bytes: Uint8Array,
  ci: boolean,
): boolean {
  const n = bytes.length;
  if (at + n > end) return false;
  if (ci) {
    for (let i = 0; i < n; i++) if (LOWER[buf[at + i]] !== bytes[i]) return false;
  } else {
    for (let i = 0; i < n; i++) if (buf[at + i] !== bytes[i]) return false;
  }
  return true;
}

/** Above this many bytes to search, Buffer.indexOf's native search beats a JS loop. */
const NATIVE_SEARCH_FROM = 512;

/** First position ≥ from where needle starts and ends within `end`, or -1. */
export function indexOfBytes(buf: Buffer, from: number, end: number, needle: Uint8Array): number {
  const n = needle.length;
  if (n === 0) return from <= end ? from : -1;
  const last = end - n;
  if (from > last) return -1;
  // Buffer.indexOf has no end: it searches on to the end of `buf`, which is a whole chunk of a
  // capture file (megabytes) when a packet comes from one; only where little lies beyond `end`
  // (an NFQUEUE packet in its receive slot) is the native search the faster
  if (last - from >= NATIVE_SEARCH_FROM && buf.length - end <= end - from) {
    const i = buf.indexOf(needle, from);
    return i >= 0 && i <= last ? i : -1;
  }
  // the usual case: a delimiter a few dozen bytes ahead; a native call costs more than the scan
  const first = needle[0];
  outer: for (let i = from; i <= last; i++) {
    if (buf[i] !== first) continue;
    for (let j = 1; j < n; j++) if (buf[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

/** Like indexOfBytes, ignoring ASCII case; `lowerNeedle` is already lower-cased. */
export function indexOfBytesIgnoreCase(
  buf: Uint8Array,
  from: number,
  end: number,
  lowerNeedle: Uint8Array,
): number {
  const n = lowerNeedle.length;
  if (n === 0) return from <= end ? from : -1;
  const first = lowerNeedle[0];
  const last = end - n;
  outer: for (let i = from; i <= last; i++) {
    if (LOWER[buf[i]] !== first) continue;
    for (let j = 1; j < n; j++) if (LOWER[buf[i + j]] !== lowerNeedle[j]) continue outer;
    return i;
  }
  return -1;
}
