// The Internet checksum (RFC 1071): ones'-complement sum of 16-bit big-endian words.

/** Adds `len` bytes at `off` to a running 32-bit sum (not yet folded). */
export function sumBytes(b: Uint8Array, off: number, len: number, sum = 0): number {
  const end = off + len;
  let i = off;
  for (; i + 1 < end; i += 2) sum += (b[i] << 8) | b[i + 1];
  if (i < end) sum += b[i] << 8;
  // fold early so the sum never leaves the safe-integer range on jumbo frames
  return (sum & 0xffff) + Math.floor(sum / 0x10000);
}

/** Folds a running sum to 16 bits and complements it. */
export function finishChecksum(sum: number): number {
  while (sum > 0xffff) sum = (sum & 0xffff) + Math.floor(sum / 0x10000);
  return ~sum & 0xffff;
}

/** The Internet checksum of a byte range. */
export function internetChecksum(b: Uint8Array, off: number, len: number): number {
  return finishChecksum(sumBytes(b, off, len));
}

/**
 * The pseudo-header sum for TCP/UDP over IPv4 (12 bytes) or IPv6 (40 bytes): both addresses
 * (read from `b` at `srcOff`/`dstOff`, 4 or 16 bytes each), the protocol and the upper-layer length.
 */
export function pseudoHeaderSum(
  b: Uint8Array,
  srcOff: number,
  dstOff: number,
  addrLen: 4 | 16,
  protocol: number,
  upperLength: number,
): number {
  let sum = sumBytes(b, srcOff, addrLen);
  sum = sumBytes(b, dstOff, addrLen, sum);
  return sum + protocol + (upperLength >>> 16) + (upperLength & 0xffff);
}
