// Run-time values. The representation is chosen for the packet path:
//   integer      a JS number, always kept to int32 (`| 0`, Math.imul)
//   byte string  a JS string with one latin1 character (0–255) per byte: equality, search and
//                RegExp run natively on it, slicing a packet is one `latin1Slice`, and 1-byte
//                strings come from V8's single-character cache without allocating
//   block        a Block made at compile time (the compiled closure)
//   reference    a RegRef made once per register (no allocation when pushed)
//   time         a Tm (allocated by localtime/gmtime)
// `typeof v` tells integers and strings apart; objects carry a numeric `tag`.
import type { RegisterInfo } from '../language/registers.js';
import type { Machine } from './machine.js';
import type { Site } from './site.js';
import type { Status } from './verdict.js';

export const TAG_BLOCK = 1;
export const TAG_REF = 2;
export const TAG_TM = 3;

export type Op = (m: Machine) => Status;

export class Block {
  readonly tag = TAG_BLOCK;
  constructor(
    readonly run: Op,
    readonly site: Site,
    /**
     * When the block is a single character-class test (`{ isdigit }`), its table: lift_while
     * and expect_while then scan bytes without running the block.
     */
    readonly byteClass: Uint8Array | null = null,
  ) {}
}

export const SPACE_USER = 0;
export const SPACE_GLOBAL = 1;
export const SPACE_FLOW = 2;
export const SPACE_INTERNAL = 3;

export class RegRef {
  readonly tag = TAG_REF;
  constructor(
    readonly space: number,
    readonly index: number,
    /** Name as written, without `$` (`a`, `ip_ttl`, `greg[3]`). */
    readonly name: string,
    readonly info: RegisterInfo,
    readonly read: (m: Machine) => Value,
    /** null for read-only registers. Values are already type-checked by the caller. */
    readonly write: ((m: Machine, v: Value) => void) | null,
  ) {}
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

export type Value = number | string | Block | RegRef | Tm;

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
      return `{…}@${(v as Block).site.line}:${(v as Block).site.column}`;
    case TAG_REF:
      return `$${(v as RegRef).name}`;
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
