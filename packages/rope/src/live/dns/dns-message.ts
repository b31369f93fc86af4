// Reading a DNS answer (RFC 1035) as `--dns-train` needs it: the names asked about, the CNAME
// names, and the A/AAAA addresses with their TTLs. The bytes come from the network, so every read
// is bounds-checked: a name may use compression pointers, but at most MAX_POINTER_HOPS of them
// (a loop of pointers ends there) and no more than 255 bytes in all; anything cut short or
// malformed makes the whole message `null` (the caller counts it and lets it through).

/** One A or AAAA record of the answer section. */
export interface DnsAddress {
  /** The record's owner name (lower case, no trailing dot). */
  name: string;
  /** 4 or 16 bytes. */
  addr: Uint8Array;
  ttl: number;
}

/** What an answer tells: the question names, CNAMEs (owner and target), addresses. */
export interface DnsAnswer {
  id: number;
  questions: string[];
  /** Owner and target of every CNAME record, in order. */
  cnames: string[];
  addresses: DnsAddress[];
}

/** Compression pointers one name may follow (a real one needs a few). */
export const MAX_POINTER_HOPS = 32;
const MAX_NAME = 255;
const HEADER = 12;
const TYPE_A = 1;
const TYPE_CNAME = 5;
const TYPE_AAAA = 28;
const CLASS_IN = 1;

class Malformed extends Error {}
const MALFORMED = new Malformed('malformed DNS message');

/** Reads a name at `off`; returns it and the offset after it (after the first pointer, if any). */
function readName(b: Uint8Array, start: number, end: number, off: number): [string, number] {
  let name = '';
  let length = 0;
  let hops = 0;
  let after = -1;
  let i = off;
  for (;;) {
    if (i >= end) throw MALFORMED;
    const len = b[i];
    if (len === 0) {
      i++;
      break;
    }
    const kind = len & 0xc0;
    if (kind === 0xc0) {
      if (i + 1 >= end || ++hops > MAX_POINTER_HOPS) throw MALFORMED;
      const target = start + (((len & 0x3f) << 8) | b[i + 1]);
      if (after < 0) after = i + 2;
      // a pointer must lead into the message, before the name that holds it
      if (target >= i || target < start + HEADER) throw MALFORMED;
      i = target;
      continue;
    }
    if (kind !== 0) throw MALFORMED; // 0x40, 0x80: extended label types, obsolete
    if (i + 1 + len > end) throw MALFORMED;
    length += len + 1;
    if (length > MAX_NAME) throw MALFORMED;
    let label = '';
    for (let j = i + 1; j <= i + len; j++) {
      const c = b[j];
      label += String.fromCharCode(c >= 0x41 && c <= 0x5a ? c + 32 : c);
    }
    name = name === '' ? label : `${name}.${label}`;
    i += 1 + len;
  }
  return [name, after >= 0 ? after : i];
}

const be16 = (b: Uint8Array, i: number) => (b[i] << 8) | b[i + 1];
const be32 = (b: Uint8Array, i: number) =>
  ((b[i] << 24) | (b[i + 1] << 16) | (b[i + 2] << 8) | b[i + 3]) >>> 0;

/**
 * Parses the DNS message `b[start, start+length)`; null when it is not a well-formed response
 * (a query, cut short, a pointer loop, counts that overrun the bytes).
 */
export function parseDnsAnswer(b: Uint8Array, start: number, length: number): DnsAnswer | null {
  const end = Math.min(b.length, start + length);
  if (end - start < HEADER) return null;
  const flags = be16(b, start + 2);
  if ((flags & 0x8000) === 0) return null; // QR = 0: a query
  const qd = be16(b, start + 4);
  const an = be16(b, start + 6);
  const out: DnsAnswer = { id: be16(b, start), questions: [], cnames: [], addresses: [] };
  try {
    let i = start + HEADER;
    for (let q = 0; q < qd; q++) {
      const [name, next] = readName(b, start, end, i);
      if (next + 4 > end) throw MALFORMED;
      out.questions.push(name);
      i = next + 4;
    }
    for (let a = 0; a < an; a++) {
      const [name, next] = readName(b, start, end, i);
      if (next + 10 > end) throw MALFORMED;
      const type = be16(b, next);
      const cls = be16(b, next + 2);
      const ttl = be32(b, next + 4);
      const rdlen = be16(b, next + 8);
      const rd = next + 10;
      if (rd + rdlen > end) throw MALFORMED;
      if (cls === CLASS_IN) {
        if (type === TYPE_A && rdlen === 4)
          out.addresses.push({ name, addr: b.slice(rd, rd + 4), ttl });
        else if (type === TYPE_AAAA && rdlen === 16)
          out.addresses.push({ name, addr: b.slice(rd, rd + 16), ttl });
        else if (type === TYPE_CNAME) {
          const [target, after] = readName(b, start, rd + rdlen, rd);
          if (after !== rd + rdlen) throw MALFORMED;
          out.cnames.push(name, target);
        }
      }
      i = rd + rdlen;
    }
  } catch (e) {
    if (e instanceof Malformed) return null;
    throw e;
  }
  return out;
}
