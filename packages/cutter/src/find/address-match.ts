// An address argument: one IPv4/IPv6 address or a CIDR prefix, parsed once into bytes and a
// prefix length so matching is a byte comparison.
import { parseIp, parseIpInto } from '@p2pwall/core';

export interface AddressMatch {
  /** As the user wrote it (for messages). */
  text: string;
  bytes: Uint8Array;
  prefix: number;
}

export class ArgumentError extends Error {
  override name = 'ArgumentError';
}

/** Parses "192.0.2.7", "2001:db8::1", "198.51.100.0/24", "2001:db8::/32"; throws ArgumentError. */
export function parseAddressMatch(text: string): AddressMatch {
  const slash = text.indexOf('/');
  const addr = slash >= 0 ? text.slice(0, slash) : text;
  const bytes = parseIp(addr);
  if (!bytes) throw new ArgumentError(`not an IP address or CIDR prefix: ${JSON.stringify(text)}`);
  const max = bytes.length * 8;
  let prefix = max;
  if (slash >= 0) {
    const p = text.slice(slash + 1);
    if (!/^\d{1,3}$/.test(p) || Number(p) > max)
      throw new ArgumentError(`bad prefix length in ${JSON.stringify(text)} (0–${max})`);
    prefix = Number(p);
  }
  return { text, bytes, prefix };
}

// the address being matched, parsed into scratch space: a listing matches every entry
const SCRATCH = new Uint8Array(16);

/** Whether address text `a` (as conntrack reports it) lies in `m`. */
export function addressMatches(m: AddressMatch, a: string): boolean {
  const length = parseIpInto(a, SCRATCH, 0);
  if (length !== m.bytes.length) return false;
  const b = SCRATCH;
  let bits = m.prefix;
  for (let i = 0; bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if ((b[i] & mask) !== (m.bytes[i] & mask)) return false;
  }
  return true;
}
