// Integers in host byte order: nlmsghdr, nlattr headers, nlmsgerr.error and a few payloads
// (CTA_FILTER flags, inet_diag cookies) are written by the kernel in the CPU's own order. Every
// other netfilter integer is big-endian (see ../bytes/endian.ts for be16/be32).
import { endianness } from 'node:os';
import { be16, be32, le16, le32, putBe16, putBe32, putLe16, putLe32 } from '../bytes/endian.js';

export const HOST_LITTLE_ENDIAN = endianness() === 'LE';

export const u16h: (b: Uint8Array, o: number) => number = HOST_LITTLE_ENDIAN ? le16 : be16;
export const u32h: (b: Uint8Array, o: number) => number = HOST_LITTLE_ENDIAN ? le32 : be32;
export const putU16h: (b: Uint8Array, o: number, v: number) => void = HOST_LITTLE_ENDIAN
  ? putLe16
  : putBe16;
export const putU32h: (b: Uint8Array, o: number, v: number) => void = HOST_LITTLE_ENDIAN
  ? putLe32
  : putBe32;

/** A signed 32-bit integer in host order (nlmsgerr.error, NLMSG_DONE's status). */
export function s32h(b: Uint8Array, o: number): number {
  return u32h(b, o) | 0;
}

// 64-bit big-endian integers (CTA_COUNTERS_*, CTA_TIMESTAMP_*) are in ../bytes/endian.ts.
export { be64, putBe64 } from '../bytes/endian.js';
