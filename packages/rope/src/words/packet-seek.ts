// Looking for given bytes at or after the cursor (§5, §6): expect_str expecti_str lift_to
// lifti_to expect_to expecti_to; and move, which moves the cursor. A constant string or
// delimiter is prepared at compile time and compared straight in the packet buffer; `… drop`
// after lift_to skips building the string.
import { constStr } from '../compile/operand.js';
import {
  bytesAt,
  indexOfBytes,
  indexOfBytesIgnoreCase,
  LOWER,
  toLowerAscii,
} from '../runtime/bytes.js';
import type { Machine } from '../runtime/machine.js';
import type { Site } from '../runtime/site.js';
import { quoteBytes, type Value } from '../runtime/values.js';
import { CONTINUE, STOP_NO, type Status } from '../runtime/verdict.js';
import { deref, push, reader } from './impl-helpers.js';
import { noteMissing } from './packet.js';
import { wordsOf, type WordImpl, type WordSpec } from './word.js';

// --- expect_str / expecti_str ---------------------------------------------------------------

function expectBytes(m: Machine, site: Site, s: string, ci: boolean): Status {
  const n = s.length;
  const at = m.off;
  if (at + n > m.end) {
    if (m.trace !== null) noteMissing(m, site, `expected ${quoteBytes(s)}`);
    return STOP_NO;
  }
  const b = m.buf;
  for (let i = 0; i < n; i++) {
    const x = b[at + i];
    const y = s.charCodeAt(i);
    if (x !== y && (!ci || LOWER[x] !== LOWER[y])) {
      if (m.trace !== null) noteMissing(m, site, `expected ${quoteBytes(s)}`);
      return STOP_NO;
    }
  }
  m.off = at + n;
  return CONTINUE;
}

function expectString(ci: boolean): WordImpl {
  const runN = (m: Machine, site: Site, n: number): Status => {
    if (m.sp - m.base < n) return m.underflow(site, n);
    const first = m.sp - n;
    for (let i = first; i < m.sp; i++) {
      const v = deref(m, m.stack[i]);
      if (typeof v !== 'string') return m.typeError(site, 'strings', v);
    }
    for (let i = first; i < first + n; i++) {
      const s = expectBytes(m, site, deref(m, m.stack[i]) as string, ci);
      if (s !== CONTINUE) return s;
    }
    m.sp = first;
    return CONTINUE;
  };
  return {
    op: (site, n) => (m) => runN(m, site, n),
    runN,
    special(ctx) {
      const site = ctx.site;
      let all = '';
      for (const o of ctx.operands) {
        const s = constStr(o);
        if (s === undefined) return null;
        all += s;
      }
      const bytes = Buffer.from(ci ? toLowerAscii(all) : all, 'latin1');
      return function expectConst(m: Machine): Status {
        if (bytesAt(m.buf, m.off, m.end, bytes, ci)) {
          m.off += bytes.length;
          return CONTINUE;
        }
        if (m.trace !== null) noteMissing(m, site, `expected ${quoteBytes(all)}`);
        return STOP_NO;
      };
    },
  };
}

// --- lift_to family -------------------------------------------------------------------------

function findDelimiter(m: Machine, needle: Uint8Array, ci: boolean): number {
  return ci
    ? indexOfBytesIgnoreCase(m.buf, m.off, m.end, needle)
    : indexOfBytes(m.buf, m.off, m.end, needle);
}

function upTo(
  m: Machine,
  site: Site,
  needle: Uint8Array,
  ci: boolean,
  expect: boolean,
  discard: boolean,
  shown: string,
): Status {
  const a = m.off;
  const i = findDelimiter(m, needle, ci);
  if (i < 0) {
    if (expect) {
      if (m.trace !== null) noteMissing(m, site, `delimiter ${quoteBytes(shown)} not found`);
      return STOP_NO;
    }
    m.off = m.end;
    return discard ? CONTINUE : push(m, site, m.latin1(a, m.end));
  }
  m.off = i + needle.length;
  return discard ? CONTINUE : push(m, site, m.latin1(a, i));
}

function delimited(ci: boolean, expect: boolean): WordImpl {
  return {
    op: (site) =>
      function delimitedOp(m: Machine): Status {
        if (m.sp <= m.base) return m.underflow(site, 1);
        const d = deref(m, m.stack[--m.sp]);
        if (typeof d !== 'string') return m.typeError(site, 'a string delimiter', d);
        return upTo(m, site, Buffer.from(ci ? toLowerAscii(d) : d, 'latin1'), ci, expect, false, d);
      },
    special(ctx) {
      const d = constStr(ctx.operands[0]);
      if (d === undefined) return null;
      const needle = Buffer.from(ci ? toLowerAscii(d) : d, 'latin1');
      const site = ctx.site;
      const discard = ctx.next === 'drop';
      if (discard) ctx.consumeNext();
      return (m) => upTo(m, site, needle, ci, expect, discard, d);
    },
  };
}

// --- move -----------------------------------------------------------------------------------

function moveBy(m: Machine, n: number): void {
  const p = m.off + n;
  m.off = p < m.ip ? m.ip : p > m.end ? m.end : p;
}

/** lift_to and its kin: bytes up to a delimiter. */
function upToWord(name: string, ci: boolean, expect: boolean, summary: string): WordSpec {
  return {
    name,
    effect: '( delim -- s )',
    in: ['str'],
    out: ['str'],
    summary,
    impl: delimited(ci, expect),
  };
}

export const seekWords = wordsOf('packet', [
  {
    name: 'expect_str',
    effect: '( s -- )',
    in: ['str'],
    out: [],
    anchor: 'variadic',
    variadic: { of: 'str', min: 1 },
    summary: 'the bytes at `$offset` must be s (anchor form: each argument in turn), else NO',
    impl: expectString(false),
  },
  {
    name: 'expecti_str',
    effect: '( s -- )',
    in: ['str'],
    out: [],
    anchor: 'variadic',
    variadic: { of: 'str', min: 1 },
    summary: 'like expect_str, ignoring ASCII case',
    impl: expectString(true),
  },
  upToWord(
    'lift_to',
    false,
    false,
    'bytes up to the delimiter (consumed, not included); the rest of the packet if it is absent',
  ),
  upToWord('lifti_to', true, false, 'like lift_to, ignoring ASCII case'),
  upToWord('expect_to', false, true, 'like lift_to; an absent delimiter ends with NO'),
  upToWord('expecti_to', true, true, 'like expect_to, ignoring ASCII case'),
  {
    name: 'move',
    effect: '( n -- )',
    in: ['int'],
    out: [],
    summary: 'move `$offset` by n bytes (negative allowed), clamped to the packet',
    impl: {
      op: (site) =>
        function moveOp(m: Machine): Status {
          if (m.sp <= m.base) return m.underflow(site, 1);
          const n = deref(m, m.stack[--m.sp]);
          if (typeof n !== 'number') return m.typeError(site, 'an integer', n);
          moveBy(m, n);
          return CONTINUE;
        },
      special(ctx) {
        const o = ctx.operands[0];
        if (o.k === 'stack') return null;
        const r = reader(o)!;
        const site = ctx.site;
        return (m) => {
          const n: Value = r(m);
          if (typeof n !== 'number') return m.typeError(site, 'an integer', n);
          moveBy(m, n);
          return CONTINUE;
        };
      },
    },
  },
]);
