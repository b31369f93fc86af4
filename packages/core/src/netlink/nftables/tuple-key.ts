// Sets keyed by a flow direction, `inet_proto . ipv4_addr . inet_service . ipv4_addr .
// inet_service` (and the ipv6_addr variant): what temporary rules match a flow by. Each field sits
// in its own 4-byte registers, as a concatenation lays them out: protocol 1 byte + 3 zero bytes,
// source address, source port 2 bytes big-endian + 2 zero bytes, destination address, destination
// port — 20 bytes for IPv4, 44 for IPv6.
import { putBe16 } from '../../bytes/endian.js';
import { parseIpInto } from '../../wire/address.js';

/** A flow direction as a rule matches it (the shape of firewall's FlowMatch). */
export interface NftTuple {
  proto: number;
  src: string;
  srcPort: number;
  dst: string;
  dstPort: number;
}

export interface NftTupleKeyType {
  /** As `nft list set` prints it after `type`. */
  name: string;
  /** NFTA_SET_KEY_TYPE: nft's datatype ids packed 6 bits a field, first field highest. */
  typeId: number;
  /** NFTA_SET_KEY_LEN. */
  length: number;
  addressLength: 4 | 16;
}

// nft's datatype ids (src/datatype.h): inet_proto 12, ipv4_addr 7, ipv6_addr 8, inet_service 13
const concat = (...ids: number[]): number => ids.reduce((acc, id) => acc * 64 + id, 0);

export const NFT_TUPLE4: NftTupleKeyType = {
  name: 'inet_proto . ipv4_addr . inet_service . ipv4_addr . inet_service',
  typeId: concat(12, 7, 13, 7, 13),
  length: 20,
  addressLength: 4,
};

export const NFT_TUPLE6: NftTupleKeyType = {
  name: 'inet_proto . ipv6_addr . inet_service . ipv6_addr . inet_service',
  typeId: concat(12, 8, 13, 8, 13),
  length: 44,
  addressLength: 16,
};

/**
 * NFTA_SET_USERDATA as nft 1.0 writes it for these keys (the key's byte order and the field
 * layout it prints elements with). The kernel keeps it for user space only; without it, `nft list`
 * would print the elements of our sets as raw numbers.
 */
export const NFT_TUPLE_SET_USERDATA = Uint8Array.from([
  0x00, 0x04, 0x00, 0x00, 0x00, 0x00, 0x03, 0x08, 0x00, 0x04, 0x0d, 0x00, 0x00, 0x00, 0x01, 0x00,
]);

/** The key type of a tuple's family: 4 or 6. */
export function nftTupleKeyType(family: 4 | 6): NftTupleKeyType {
  return family === 4 ? NFT_TUPLE4 : NFT_TUPLE6;
}

const SRC = new Uint8Array(16);
const DST = new Uint8Array(16);

function outOfRange(what: string, v: number, max: number): string | null {
  return Number.isInteger(v) && v >= 0 && v <= max ? null : `${what} ${v} is not in 0..${max}`;
}

/**
 * Writes `t` as `type` lays it out into `out[off, off + type.length)`. Returns null, or why the
 * tuple does not fit (a caller names the set).
 */
export function encodeNftTuple(
  type: NftTupleKeyType,
  t: NftTuple,
  out: Uint8Array,
  off: number,
): string | null {
  const a = type.addressLength;
  // each address is parsed into scratch space, not a new array (a cut of a thousand connections
  // writes four thousand elements), and checked before it is copied into place
  const srcLength = parseIpInto(t.src, SRC, 0);
  const dstLength = parseIpInto(t.dst, DST, 0);
  if (srcLength === 0 || dstLength === 0)
    return `${t.src} -> ${t.dst} is not a pair of IP addresses`;
  if (srcLength !== a || dstLength !== a)
    return `${t.src} -> ${t.dst} is not a pair of IPv${a === 4 ? 4 : 6} addresses`;
  const range =
    outOfRange('protocol', t.proto, 0xff) ??
    outOfRange('source port', t.srcPort, 0xffff) ??
    outOfRange('destination port', t.dstPort, 0xffff);
  if (range) return range;
  out.fill(0, off, off + type.length);
  out[off] = t.proto;
  for (let i = 0; i < a; i++) {
    out[off + 4 + i] = SRC[i];
    out[off + 8 + a + i] = DST[i];
  }
  putBe16(out, off + 4 + a, t.srcPort);
  putBe16(out, off + 8 + 2 * a, t.dstPort);
  return null;
}
