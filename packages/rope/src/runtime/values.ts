// Run-time values. The representation is chosen for the packet path:
//   integer      a JS number, always kept to int32 (`| 0`, Math.imul)
//   byte string  a JS string with one latin1 character (0–255) per byte: equality, search and
//                RegExp run natively on it, slicing a packet is one `latin1Slice`, and 1-byte
//                strings come from V8's single-character cache without allocating
//   block        a Block made at compile time (the compiled closure; block.ts)
//   reference    a RegRef made once per register (no allocation when pushed; reg-ref.ts)
//   time         a Tm (allocated by localtime/gmtime)
// `typeof v` tells integers and strings apart; objects carry a numeric `tag`. A value names only
// what every holder of one may read: running a block or reading through a reference needs the
// machine, so those classes live beside it and the machine's stack can hold values without the
// values depending on the machine.
import type { RegisterInfo } from '../language/registers.js';
import type { Site } from './site.js';

export const TAG_BLOCK = 1;
export const TAG_REF = 2;
export const TAG_TM = 3;

/** A block as a value (the code it runs: `Block` in block.ts). */
export interface BlockValue {
  readonly tag: typeof TAG_BLOCK;
  readonly site: Site;
  /** When the block is a single character-class test (`{ isdigit }`), its table. */
  readonly byteClass: Uint8Array | null;
}

/** A register reference as a value (how it is read and written: `RegRef` in reg-ref.ts). */
export interface RefValue {
  readonly tag: typeof TAG_REF;
  /** SPACE_USER, SPACE_GLOBAL, SPACE_FLOW or SPACE_INTERNAL (reg-ref.ts). */
  readonly space: number;
  readonly index: number;
  /** Name as written, without `$` (`a`, `ip_ttl`, `greg[3]`). */
  readonly name: string;
  readonly info: RegisterInfo;
}

/** Broken-down time, as C's `struct tm`. */
export class Tm {
  readonly tag = TAG_TM;
  constructor(
    readonly sec: number,
    readonly min: number,
    readonly hour: number,
    readonly mday: number,
    readonly mon: number,
    readonly year: number,
    readonly wday: number,
  ) {}
}

export type Value = number | string | BlockValue | RefValue | Tm;

/**
 * `n` zeros in an array V8 already keeps as one of any values, not of small integers only. The
 * first string stored in an array of small integers changes the array's map, and V8 throws away
 * the code it optimised for the old one: for the flow registers that came mid-capture, when the
 * first script kept a string in `freg`, and deoptimised the classifier's hot functions at once.
 */
export function valueArray(n: number): Value[] {
  const a = new Array<Value>(n).fill(0);
  if (n > 0) {
    a[0] = '';
    a[0] = 0;
  }
  return a;
}

export function typeName(v: Value): string {
  if (typeof v === 'number') return 'an integer';
  if (typeof v === 'string') return 'a string';
  switch (v.tag) {
    case TAG_BLOCK:
      return 'a block';
    case TAG_REF:
      return 'a register reference';
    default:
      return 'a time';
  }
}

/** Bytes as a quoted string: printable ASCII as is, the rest escaped. */
export function quoteBytes(s: string, max = 80): string {
  let out = '"';
  const n = Math.min(s.length, max);
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x22) out += '\\"';
    else if (c === 0x5c) out += '\\\\';
    else if (c === 0x0a) out += '\\n';
    else if (c === 0x0d) out += '\\r';
    else if (c === 0x09) out += '\\t';
    else if (c >= 0x20 && c < 0x7f) out += s[i];
    else out += `\\x${c.toString(16).padStart(2, '0')}`;
  }
  return out + (s.length > max ? `"…(${s.length} bytes)` : '"');
}

/** A value as trace and dump show it. */
export function formatValue(v: Value): string {
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string') return quoteBytes(v);
  switch (v.tag) {
    case TAG_BLOCK:
      return `{…}@${(v as BlockValue).site.line}:${(v as BlockValue).site.column}`;
    case TAG_REF:
      return `$${(v as RefValue).name}`;
    default: {
      const t = v as Tm;
      const p = (n: number) => String(n).padStart(2, '0');
      return `tm(${t.year + 1900}-${p(t.mon + 1)}-${p(t.mday)} ${p(t.hour)}:${p(t.min)}:${p(t.sec)} wday ${t.wday})`;
    }
  }
}

/** A value as `print` writes it: integers in decimal, strings as their bytes. */
export function printValue(v: Value): string {
  if (typeof v === 'string') return v;
  return formatValue(v);
}
