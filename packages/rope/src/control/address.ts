// The addresses `rope ctl` and the control socket take: `ADDR` or `ADDR:PORT`, IPv6 as `ADDR6`
// or `[ADDR6]:PORT`. Parsing is strict on purpose — an address that the kernel sets would later
// refuse, or that would not match what the engine stores, is refused here with one line saying
// why — and every address comes out in one canonical text (RFC 5952 for IPv6), so that
// `unblock [2001:DB8:0::7]:80` finds what `block [2001:db8::7]:80` made.
import { formatIp, joinHostPort, parseIp } from '@p2pwall/core';

export interface Endpoint {
  /** Canonical text: dotted quad, or RFC 5952 IPv6 without brackets. */
  address: string;
  family: 4 | 6;
  /** 1..65535, or null for "every port". */
  port: number | null;
}

export type AddressParse = { ok: true; endpoint: Endpoint } | { ok: false; message: string };

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
// hex groups, `::`, and an optional dotted tail; the bytes are checked by parseIp afterwards
const IPV6_CHARS = /^[0-9a-fA-F:.]+$/;

/** Parses a bare address (no port); canonical text, or null. */
export function canonicalAddress(text: string): { address: string; family: 4 | 6 } | null {
  if (IPV4.test(text)) return { address: text, family: 4 };
  // zone ids (fe80::1%eth0) have no meaning in a firewall set: refused by the character check
  if (!text.includes(':') || !IPV6_CHARS.test(text)) return null;
  const bytes = parseIp(text);
  if (bytes === null || bytes.length !== 16) return null;
  return { address: formatIp(bytes, 0, 16), family: 6 };
}

/** A port: decimal digits, 1..65535 (no sign, no leading zeros beyond one digit). */
export function parsePort(text: string): number | null {
  if (!/^[1-9]\d{0,4}$/.test(text)) return null;
  const port = Number(text);
  return port <= 65535 ? port : null;
}

const shown = (text: string) => (text.length > 60 ? `${text.slice(0, 57)}...` : text);

/**
 * `ADDR`, `ADDR:PORT`, `ADDR6` or `[ADDR6]:PORT` (also `[ADDR6]`). With `allowPort` false only
 * the address forms are accepted (a client is locked as a whole host).
 */
export function parseEndpoint(text: string, allowPort = true): AddressParse {
  const bad = (why: string): AddressParse => ({ ok: false, message: `'${shown(text)}' ${why}` });
  if (text === '') return { ok: false, message: 'an empty address' };
  let host = text;
  let portText: string | null = null;
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close < 0) return bad('has "[" without "]" (IPv6 with a port is written [ADDR6]:PORT)');
    host = text.slice(1, close);
    const rest = text.slice(close + 1);
    if (rest !== '') {
      if (!rest.startsWith(':') || rest.length === 1) return bad('must be [ADDR6] or [ADDR6]:PORT');
      portText = rest.slice(1);
    }
    if (!host.includes(':')) return bad('puts an IPv4 address in brackets (write ADDR:PORT)');
  } else if (!text.includes(':')) {
    host = text;
  } else if (text.indexOf(':') === text.lastIndexOf(':')) {
    // exactly one colon: IPv4 with a port (a bare IPv6 address has at least two)
    [host, portText] = text.split(':') as [string, string];
  }
  const addr = canonicalAddress(host);
  if (!addr) {
    if (host.includes('%')) return bad('has a zone id (%...), which a firewall set cannot hold');
    return bad('is not an IPv4 or IPv6 address');
  }
  let port: number | null = null;
  if (portText !== null) {
    if (!allowPort) return bad('has a port: give the address alone');
    port = parsePort(portText);
    if (port === null) return bad('has a bad port: ports are 1-65535');
  }
  return { ok: true, endpoint: { address: addr.address, family: addr.family, port } };
}

/** `ADDR`, `ADDR:PORT` or `[ADDR6]:PORT`: the form parseEndpoint reads back. */
export function formatEndpointText(e: { address: string; port: number | null }): string {
  return e.port === null ? e.address : joinHostPort(e.address, e.port);
}

/** The map key of an endpoint (the canonical text). */
export const endpointKey = formatEndpointText;
