// The set key types the clients write and read, as a table of records: each says how nft names
// it, how it is laid out in NFTA_DATA_VALUE and how to turn an element key into those bytes and
// back. A key type not in the table is an addition here, not a branch elsewhere.
//
// Layout: addresses in network order; a concatenation puts each field in its own 4-byte
// registers (NFT_REG32_SIZE), so `ipv4_addr . inet_service` is 4 + 4 bytes with the 2-byte
// big-endian port followed by 2 zero bytes, and `ipv6_addr . inet_service` is 16 + 4.
import { be16, putBe16 } from '../../bytes/endian.js';
import { formatIpv4, formatIpv6, joinHostPort, parseIp } from '../../wire/address.js';
import { NFT_REG32_SIZE } from './constants.js';

/** An element's key: an address, and a port for `… . inet_service` sets. */
export interface NftElementKey {
  /** IPv4 or IPv6 text (RFC 5952 when decoded). */
  address: string;
  port?: number;
}

export type NftKeyTypeName =
  'ipv4_addr' | 'ipv6_addr' | 'ipv4_addr . inet_service' | 'ipv6_addr . inet_service';

export interface NftKeyType {
  /** As `nft list set` prints it after `type`. */
  name: NftKeyTypeName;
  /**
   * NFTA_SET_KEY_TYPE as nft stores it: nft's datatype ids (ipv4_addr 7, ipv6_addr 8,
   * inet_service 13), a concatenation packed 6 bits a field, first field highest. The kernel
   * keeps it for userspace only.
   */
  typeId: number;
  /** NFTA_SET_KEY_LEN: bytes of the key, fields padded to registers. */
  length: number;
  addressLength: 4 | 16;
  hasPort: boolean;
}

/** nft's datatype ids (src/datatype.h, enum datatypes) and its concatenation packing. */
const TYPE_IPADDR = 7;
const TYPE_IP6ADDR = 8;
const TYPE_INET_SERVICE = 13;
const TYPE_BITS = 6;

function registers(bytes: number): number {
  return Math.ceil(bytes / NFT_REG32_SIZE) * NFT_REG32_SIZE;
}

export const NFT_KEY_TYPES: readonly NftKeyType[] = [
  { name: 'ipv4_addr', typeId: TYPE_IPADDR, length: 4, addressLength: 4, hasPort: false },
  { name: 'ipv6_addr', typeId: TYPE_IP6ADDR, length: 16, addressLength: 16, hasPort: false },
  {
    name: 'ipv4_addr . inet_service',
    typeId: (TYPE_IPADDR << TYPE_BITS) | TYPE_INET_SERVICE,
    length: registers(4) + registers(2),
    addressLength: 4,
    hasPort: true,
  },
  {
    name: 'ipv6_addr . inet_service',
    typeId: (TYPE_IP6ADDR << TYPE_BITS) | TYPE_INET_SERVICE,
    length: registers(16) + registers(2),
    addressLength: 16,
    hasPort: true,
  },
];

export function nftKeyType(name: NftKeyTypeName): NftKeyType {
  const t = NFT_KEY_TYPES.find((k) => k.name === name);
  if (!t) throw new RangeError(`unknown nft set key type "${name}"`);
  return t;
}

/** The key type a set reports (NFTA_SET_KEY_TYPE and _LEN), or null when it is not one of ours. */
export function nftKeyTypeOf(typeId: number, length: number): NftKeyType | null {
  return NFT_KEY_TYPES.find((k) => k.typeId === typeId && k.length === length) ?? null;
}

/**
 * Writes `key` as `type` lays it out into `out[off, off + type.length)`. Returns null, or why the
 * key does not fit the type (the caller names the set).
 */
export function encodeNftKey(
  type: NftKeyType,
  key: NftElementKey,
  out: Uint8Array,
  off: number,
): string | null {
  const addr = parseIp(key.address);
  if (!addr) return `"${key.address}" is not an IP address`;
  if (addr.length !== type.addressLength)
    return `${key.address} is not an IPv${type.addressLength === 4 ? 4 : 6} address (the set holds ${type.name})`;
  out.fill(0, off, off + type.length);
  out.set(addr, off);
  if (type.hasPort) {
    const port = key.port;
    if (port === undefined || !Number.isInteger(port) || port < 0 || port > 0xffff)
      return `${key.address} needs a port 0..65535 (the set holds ${type.name})`;
    putBe16(out, off + registers(type.addressLength), port);
  } else if (key.port !== undefined) {
    return `${joinHostPort(key.address, key.port)} has a port but the set holds ${type.name}`;
  }
  return null;
}

/** Reads a key of `type` from `b[off, off + type.length)` (length checked by the caller). */
export function decodeNftKey(type: NftKeyType, b: Uint8Array, off: number): NftElementKey {
  const address = type.addressLength === 4 ? formatIpv4(b, off) : formatIpv6(b, off);
  return type.hasPort
    ? { address, port: be16(b, off + registers(type.addressLength)) }
    : { address };
}

/** `192.0.2.1`, `192.0.2.1 . 80`: an element as nft writes it. */
export function formatNftKey(key: NftElementKey): string {
  return key.port === undefined ? key.address : `${key.address} . ${key.port}`;
}
