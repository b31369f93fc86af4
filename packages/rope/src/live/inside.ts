// `--inside CIDR[,CIDR…]`: the networks whose hosts are the clients rope run locks. The inside
// host of a flow is the end inside one of them; without --inside, the flow's originator.
import { parseIp } from '@p2pwall/core';

export interface Cidr {
  bytes: Uint8Array;
  prefix: number;
}

/** `192.0.2.0/24`, `2001:db8::/32`, or a bare address (a /32 or /128); null when malformed. */
export function parseCidr(text: string): Cidr | null {
  const m = /^([^/\s]+)(?:\/(\d{1,3}))?$/.exec(text.trim());
  if (!m) return null;
  const bytes = parseIp(m[1]);
  if (!bytes) return null;
  const max = bytes.length * 8;
  const prefix = m[2] === undefined ? max : Number(m[2]);
  if (prefix > max) return null;
  return { bytes, prefix };
}

/** A comma-separated list of CIDRs; null when any is malformed. */
export function parseCidrList(text: string): Cidr[] | null {
  const out: Cidr[] = [];
  for (const part of text.split(',')) {
    const c = parseCidr(part);
    if (!c) return null;
    out.push(c);
  }
  return out.length > 0 ? out : null;
}

export function cidrContains(c: Cidr, addr: Uint8Array): boolean {
  if (addr.length !== c.bytes.length) return false;
  let bits = c.prefix;
  for (let i = 0; bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if ((addr[i] & mask) !== (c.bytes[i] & mask)) return false;
  }
  return true;
}

export function insideAny(cidrs: readonly Cidr[], addr: Uint8Array): boolean {
  return cidrs.some((c) => cidrContains(c, addr));
}
