// Integer reads and writes with the byte order in the name. No bounds checks: callers check
// lengths once (a view's check function) before reading.

export function be16(b: Uint8Array, o: number): number {
  return (b[o] << 8) | b[o + 1];
}
export function be32(b: Uint8Array, o: number): number {
  return ((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0;
}
export function le16(b: Uint8Array, o: number): number {
  return b[o] | (b[o + 1] << 8);
}
export function le32(b: Uint8Array, o: number): number {
  return (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24)) >>> 0;
}
export function putBe16(b: Uint8Array, o: number, v: number): void {
  b[o] = (v >>> 8) & 0xff;
  b[o + 1] = v & 0xff;
}
export function putBe32(b: Uint8Array, o: number, v: number): void {
  b[o] = (v >>> 24) & 0xff;
  b[o + 1] = (v >>> 16) & 0xff;
  b[o + 2] = (v >>> 8) & 0xff;
  b[o + 3] = v & 0xff;
}
export function putLe16(b: Uint8Array, o: number, v: number): void {
  b[o] = v & 0xff;
  b[o + 1] = (v >>> 8) & 0xff;
}
export function putLe32(b: Uint8Array, o: number, v: number): void {
  b[o] = v & 0xff;
  b[o + 1] = (v >>> 8) & 0xff;
  b[o + 2] = (v >>> 16) & 0xff;
  b[o + 3] = (v >>> 24) & 0xff;
}

/** 64-bit big-endian as a bigint (counters and timestamps of netfilter messages). */
export function be64(b: Uint8Array, o: number): bigint {
  return (BigInt(be32(b, o)) << 32n) | BigInt(be32(b, o + 4));
}
export function putBe64(b: Uint8Array, o: number, v: bigint): void {
  putBe32(b, o, Number((v >> 32n) & 0xffffffffn));
  putBe32(b, o + 4, Number(v & 0xffffffffn));
}
/**
 * 64-bit big-endian from a non-negative safe integer (a timeout in ms): the bytes putBe64 writes
 * for BigInt(v), without making four bigints — a cut's rules write one per set element.
 */
export function putBe64Number(b: Uint8Array, o: number, v: number): void {
  if (!Number.isSafeInteger(v) || v < 0) throw new RangeError(`${v} is not a u64 this can write`);
  putBe32(b, o, Math.floor(v / 0x100000000));
  putBe32(b, o + 4, v >>> 0);
}
