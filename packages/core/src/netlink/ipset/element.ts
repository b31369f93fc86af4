// One ipset element as the IPSET_ATTR_DATA nest of an add or delete, and as a list shows it.
// Encode and decode side by side. Integers carry NLA_F_NET_BYTEORDER: the kernel refuses a port,
// timeout or address without it (IPSET_ERR_PROTOCOL).
//
//   IPSET_ATTR_DATA {
//     IPSET_ATTR_IP { IPSET_ATTR_IPADDR_IPV4 be32 | IPSET_ATTR_IPADDR_IPV6 16 bytes }
//     IPSET_ATTR_PORT     be16      (hash:ip,port)
//     IPSET_ATTR_TIMEOUT  be32 s    (sets with timeout support; the time left in lists)
//     IPSET_ATTR_PROTO    u8        (hash:ip,port: 6 tcp, 17 udp, …)
//   }
import { be16, be32 } from '../../bytes/endian.js';
import { formatIpv4, formatIpv6, parseIp } from '../../wire/address.js';
import { AttrTable } from '../attr.js';
import { NLA_F_NET_BYTEORDER } from '../constants.js';
import { malformedAt, NetlinkDecodeError } from '../errors.js';
import type { NlWriter } from '../writer.js';
import {
  IPSET_ATTR_ADT_MAX,
  IPSET_ATTR_DATA,
  IPSET_ATTR_IP,
  IPSET_ATTR_IPADDR_IPV4,
  IPSET_ATTR_IPADDR_IPV6,
  IPSET_ATTR_IPADDR_MAX,
  IPSET_ATTR_PORT,
  IPSET_ATTR_PROTO,
  IPSET_ATTR_TIMEOUT,
  type IpsetFamily,
} from './constants.js';

/** The set types the client handles. */
export type IpsetType = 'hash:ip' | 'hash:ip,port';
export const IPSET_TYPES: readonly IpsetType[] = ['hash:ip', 'hash:ip,port'];

/** Protocols of hash:ip,port elements by name; a number is taken as is. */
export const IPSET_PROTOS = { tcp: 6, udp: 17, sctp: 132, udplite: 136 } as const;
export type IpsetProto = keyof typeof IPSET_PROTOS | number;

export interface IpsetElement {
  /** IPv4 or IPv6 text, of the set's family. */
  address: string;
  /** hash:ip,port: the port, and its protocol (default tcp, as the ipset command has it). */
  port?: number;
  proto?: IpsetProto;
  /**
   * The element's timeout. ipset counts whole seconds: rounded up to the next second. Left
   * out: the set's default timeout. 0: never expires.
   */
  timeoutMs?: number;
}

export interface IpsetListedElement {
  address: string;
  port?: number;
  proto?: IpsetProto;
  /** Time left (whole seconds, as ms), for sets with timeout support; 0 for a permanent element. */
  expiresMs?: number;
}

/** The longest timeout the kernel keeps (IPSET_MAX_TIMEOUT, ip_set_timeout.h); it caps longer ones. */
export const IPSET_MAX_TIMEOUT_SECONDS = 2147483;

/** ipset's seconds for a timeout in ms: rounded up, so an element never leaves early. */
export function ipsetTimeoutSeconds(ms: number): number {
  return Math.ceil(ms / 1000);
}

function protoNumber(p: IpsetProto | undefined): number | null {
  if (p === undefined) return IPSET_PROTOS.tcp;
  if (typeof p === 'number') return Number.isInteger(p) && p > 0 && p < 256 ? p : null;
  return IPSET_PROTOS[p] ?? null;
}

function protoName(n: number): IpsetProto {
  for (const [name, v] of Object.entries(IPSET_PROTOS)) if (v === n) return name as IpsetProto;
  return n;
}

/** Why `e` cannot be an element of a `type` set of `family`, or null. */
export function checkIpsetElement(
  type: IpsetType,
  family: IpsetFamily,
  e: IpsetElement,
): string | null {
  const addr = parseIp(e.address);
  if (!addr) return `"${e.address}" is not an IP address`;
  const want = family === 'inet' ? 4 : 16;
  if (addr.length !== want)
    return `${e.address} is not an IPv${want === 4 ? 4 : 6} address (the set is family ${family})`;
  if (type === 'hash:ip,port') {
    if (e.port === undefined || !Number.isInteger(e.port) || e.port < 0 || e.port > 0xffff)
      return `${e.address} needs a port 0..65535 (the set is ${type})`;
    if (protoNumber(e.proto) === null)
      return `protocol ${String(e.proto)} is not tcp, udp, sctp, udplite or 1..255`;
  } else if (e.port !== undefined || e.proto !== undefined) {
    return `${e.address} has a port or protocol but the set is ${type}`;
  }
  if (e.timeoutMs !== undefined) {
    const t = e.timeoutMs;
    if (!(Number.isFinite(t) && t >= 0 && ipsetTimeoutSeconds(t) <= IPSET_MAX_TIMEOUT_SECONDS))
      return `timeout ${t} ms is not between 0 and ${IPSET_MAX_TIMEOUT_SECONDS} seconds`;
  }
  return null;
}

/** Appends one IPSET_ATTR_DATA nest for a checked element (see checkIpsetElement). */
export function writeIpsetData(
  w: NlWriter,
  type: IpsetType,
  e: IpsetElement,
  withTimeout: boolean,
): void {
  const addr = parseIp(e.address)!;
  const data = w.nestStart(IPSET_ATTR_DATA);
  const ip = w.nestStart(IPSET_ATTR_IP);
  w.bytes(
    (addr.length === 4 ? IPSET_ATTR_IPADDR_IPV4 : IPSET_ATTR_IPADDR_IPV6) | NLA_F_NET_BYTEORDER,
    addr,
  );
  w.nestEnd(ip);
  if (type === 'hash:ip,port') w.be16(IPSET_ATTR_PORT | NLA_F_NET_BYTEORDER, e.port!);
  if (withTimeout && e.timeoutMs !== undefined)
    w.be32(IPSET_ATTR_TIMEOUT | NLA_F_NET_BYTEORDER, ipsetTimeoutSeconds(e.timeoutMs));
  if (type === 'hash:ip,port') w.u8(IPSET_ATTR_PROTO, protoNumber(e.proto)!);
  w.nestEnd(data);
}

/** Bytes one IPSET_ATTR_DATA nest takes at most (IPv6, port, protocol, timeout). */
export const IPSET_DATA_MAX_SIZE = 4 + 4 + 20 + 8 + 8 + 8;

const dataTable = new AttrTable(IPSET_ATTR_ADT_MAX);
const ipTable = new AttrTable(IPSET_ATTR_IPADDR_MAX);

/** Decodes the payload `b[start, end)` of an IPSET_ATTR_DATA nest of a list. */
export function decodeIpsetData(b: Uint8Array, start: number, end: number): IpsetListedElement {
  const t = dataTable.parseOrThrow(b, start, end);
  if (!t.nested(IPSET_ATTR_IP, ipTable))
    throw new NetlinkDecodeError(
      malformedAt(start, { kind: 'missing', container: 'ipset element', part: 'IPSET_ATTR_IP' }),
    );
  let address: string;
  if (ipTable.length(IPSET_ATTR_IPADDR_IPV4) === 4)
    address = formatIpv4(b, ipTable.offset(IPSET_ATTR_IPADDR_IPV4));
  else if (ipTable.length(IPSET_ATTR_IPADDR_IPV6) === 16)
    address = formatIpv6(b, ipTable.offset(IPSET_ATTR_IPADDR_IPV6));
  else
    throw new NetlinkDecodeError(
      malformedAt(start, {
        kind: 'bad-length',
        what: 'ipset element address',
        length: Math.max(
          ipTable.length(IPSET_ATTR_IPADDR_IPV4),
          ipTable.length(IPSET_ATTR_IPADDR_IPV6),
        ),
        expected: '4 or 16',
      }),
    );
  const out: IpsetListedElement = { address };
  if (t.length(IPSET_ATTR_PORT) >= 2) out.port = be16(b, t.offset(IPSET_ATTR_PORT));
  if (t.length(IPSET_ATTR_PROTO) >= 1) out.proto = protoName(t.u8(IPSET_ATTR_PROTO));
  if (t.length(IPSET_ATTR_TIMEOUT) >= 4)
    out.expiresMs = be32(b, t.offset(IPSET_ATTR_TIMEOUT)) * 1000;
  return out;
}
