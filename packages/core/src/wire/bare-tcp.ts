// A TCP segment without options, in an IPv4 header without options or an IPv6 header without
// extension headers: the packets a cut forges (RST|ACK, the SYN and bare-ACK probes, the one-byte
// old-byte probe). Written field by field straight into the buffer, checksums included, with
// nothing allocated: a cut of a thousand connections forges five thousand of them, where the
// general builder (build.ts: a spec object, header reprs, option arrays per packet) made their
// garbage a share of the cut's time. The bytes are exactly what build.ts's writeTcpPacket writes
// for the same segment with TTL 64, TOS 0, IP id 0, don't-fragment set and flow label 0 (a
// property test holds the two together).
import { finishChecksum, pseudoHeaderSum, sumBytes } from '../bytes/checksum.js';
import { putBe16, putBe32 } from '../bytes/endian.js';
import { IPPROTO_TCP } from './ip-proto.js';
import { IPV4_MIN_HEADER as IPV4_HEADER } from './ipv4.js';
import { IPV6_HEADER } from './ipv6.js';
import { TCP_MIN_HEADER as TCP_HEADER } from './tcp.js';

const TTL = 64;

/** Bytes of a bare segment carrying `payloadLength` bytes, between 4- or 16-byte addresses. */
export function bareTcpLength(addressLength: 4 | 16, payloadLength: number): number {
  return (addressLength === 4 ? IPV4_HEADER : IPV6_HEADER) + TCP_HEADER + payloadLength;
}

/**
 * Writes the segment `src:srcPort → dst:dstPort` (`src` and `dst` both 4 or both 16 bytes) at
 * `off` of `out` (room must suffice); returns its length. `flags` are the eight flag bits;
 * `payload` is copied in (null: none).
 */
export function writeBareTcp(
  out: Uint8Array,
  off: number,
  src: Uint8Array,
  dst: Uint8Array,
  srcPort: number,
  dstPort: number,
  seq: number,
  ack: number,
  flags: number,
  window: number,
  payload: Uint8Array | null,
): number {
  const a = src.length;
  if ((a !== 4 && a !== 16) || dst.length !== a)
    throw new RangeError('source and destination must both be IPv4 or both IPv6 addresses');
  const payloadLength = payload === null ? 0 : payload.length;
  const upper = TCP_HEADER + payloadLength;
  let srcOff: number;
  let dstOff: number;
  let l4: number;
  if (a === 4) {
    out[off] = 0x45;
    out[off + 1] = 0;
    putBe16(out, off + 2, IPV4_HEADER + upper);
    putBe16(out, off + 4, 0); // id
    putBe16(out, off + 6, 0x4000); // don't fragment
    out[off + 8] = TTL;
    out[off + 9] = IPPROTO_TCP;
    putBe16(out, off + 10, 0);
    srcOff = off + 12;
    dstOff = off + 16;
    l4 = off + IPV4_HEADER;
  } else {
    putBe32(out, off, 0x60000000);
    putBe16(out, off + 4, upper);
    out[off + 6] = IPPROTO_TCP;
    out[off + 7] = TTL;
    srcOff = off + 8;
    dstOff = off + 24;
    l4 = off + IPV6_HEADER;
  }
  for (let i = 0; i < a; i++) {
    out[srcOff + i] = src[i];
    out[dstOff + i] = dst[i];
  }
  if (a === 4) putBe16(out, off + 10, finishChecksum(sumBytes(out, off, IPV4_HEADER)));
  putBe16(out, l4, srcPort);
  putBe16(out, l4 + 2, dstPort);
  putBe32(out, l4 + 4, seq >>> 0);
  putBe32(out, l4 + 8, ack >>> 0);
  out[l4 + 12] = (TCP_HEADER / 4) << 4;
  out[l4 + 13] = flags & 0xff;
  putBe16(out, l4 + 14, window);
  putBe16(out, l4 + 16, 0); // checksum, below
  putBe16(out, l4 + 18, 0); // urgent pointer
  for (let i = 0; i < payloadLength; i++) out[l4 + TCP_HEADER + i] = payload![i];
  let sum = pseudoHeaderSum(out, srcOff, dstOff, a, IPPROTO_TCP, upper);
  sum = sumBytes(out, l4, upper, sum);
  putBe16(out, l4 + 16, finishChecksum(sum));
  return l4 + upper - off;
}
