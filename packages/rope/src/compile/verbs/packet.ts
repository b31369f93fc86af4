// Reading the packet (§5, §6): lift expect peek lift_while expect_while expect_str expecti_str
// lift_to lifti_to expect_to expecti_to move. All read within [$packet start, end) from the
// cursor and advance it; expect* end the run with NO when the packet lacks what they expect.
// Constant operands (a length, a delimiter, a string, a one-class block) are prepared at compile
// time and read straight from the packet buffer; `… drop` after a reader skips building the
// string, and `N expect be32_to_uint` (and the other integer readers) reads the integer in place.
import {
  bytesAt,
  indexOfBytes,
  indexOfBytesIgnoreCase,
  LOWER,
  toLowerAscii,
} from '../../runtime/bytes.js';
import type { Machine } from '../../runtime/machine.js';
import type { Site } from '../../runtime/site.js';
import { quoteBytes, type Block, type Op, type Value } from '../../runtime/values.js';
import { CONTINUE, STOP_NO, type Status } from '../../runtime/verdict.js';
import { constBlock, constInt, constStr, type SpecialCtx, type VerbImpl } from '../operand.js';
import { deref, isTrue, popBlock, push, reader, runBlock } from './common.js';

/** Call only when `m.trace !== null`: building the message is the costly part. */
function noteMissing(m: Machine, site: Site, what: string): void {
  if (m.trace?.note) {
    const here = m.latin1(m.off, Math.min(m.end, m.off + 24));
    m.trace.note(
      site,
      `${what} at $offset ${m.off - m.ip}, found ${quoteBytes(here)}${m.off + 24 < m.end ? '…' : ''}`,
    );
  }
}

function badCount(m: Machine, site: Site, n: number): Status {
  return m.fail('ERange', `\`${site.label}\` needs a byte count ≥ 0, got ${n}`, site);
}

// --- lift / expect / peek -------------------------------------------------------------------

type CountMode = 'lift' | 'expect' | 'peek';

/** Takes n bytes at the cursor: pushes them (unless `discard`), or returns NO for expect. */
function take(m: Machine, site: Site, n: number, mode: CountMode, discard: boolean): Status {
  if (n < 0) return badCount(m, site, n);
  const a = m.off;
  let b = a + n;
  if (b > m.end) {
    if (mode === 'expect') {
      if (m.trace !== null) noteMissing(m, site, `expected ${n} bytes, ${m.end - a} left`);
      return STOP_NO;
    }
    b = m.end;
  }
  if (mode !== 'peek') m.off = b;
  return discard ? CONTINUE : push(m, site, m.latin1(a, b));
}

/** Integer readers that `N expect`/`N lift`/`N peek` can fuse with: name → bytes, little, signed. */
const INT_READERS: Record<string, [number, boolean, boolean]> = {
  be16_to_int: [2, false, true],
  be16_to_uint: [2, false, false],
  be32_to_int: [4, false, true],
  be32_to_uint: [4, false, false],
  le16_to_int: [2, true, true],
  le16_to_uint: [2, true, false],
  le32_to_int: [4, true, true],
  le32_to_uint: [4, true, false],
};

function readInt(
  b: Uint8Array,
  at: number,
  size: number,
  little: boolean,
  signed: boolean,
): number {
  if (size === 2) {
    const v = little ? b[at] | (b[at + 1] << 8) : (b[at] << 8) | b[at + 1];
    return signed ? (v << 16) >> 16 : v;
  }
  return little
    ? b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24)
    : (b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3];
}

function counted(mode: CountMode): VerbImpl {
  return {
    op: (site) =>
      function countedOp(m: Machine): Status {
        if (m.sp <= m.base) return m.underflow(site, 1);
        const n = deref(m, m.stack[--m.sp]);
        if (typeof n !== 'number') return m.typeError(site, 'an integer', n);
        return take(m, site, n, mode, false);
      },
    special(ctx: SpecialCtx): Op | null {
      const n = constInt(ctx.operands[0]);
      if (n === undefined) return null;
      const site = ctx.site;
      const fuse = ctx.next !== null ? INT_READERS[ctx.next] : undefined;
      if (fuse && fuse[0] <= n) {
        // `4 expect le32_to_uint`: the integer straight from the packet, no string
        ctx.consumeNext();
        const [size, little, signed] = fuse;
        return function takeInt(m: Machine): Status {
          const a = m.off;
          if (a + n > m.end) {
            if (mode === 'expect') {
              if (m.trace !== null) noteMissing(m, site, `expected ${n} bytes, ${m.end - a} left`);
              return STOP_NO;
            }
            // lift/peek: fewer bytes than the reader needs is the reader's ERange
            const got = m.end - a;
            if (got < size) {
              if (mode === 'lift') m.off = m.end;
              return m.fail(
                'ERange',
                `\`${ctx.next}\` needs at least ${size} bytes, got ${got}`,
                site,
              );
            }
          }
          if (mode !== 'peek') m.off = Math.min(m.end, a + n);
          return push(m, site, readInt(m.buf, a, size, little, signed));
        };
      }
      const discard = ctx.next === 'drop';
      if (discard) ctx.consumeNext();
      return (m) => take(m, site, n, mode, discard);
    },
  };
}

// --- lift_while / expect_while --------------------------------------------------------------

function scanWhile(m: Machine, site: Site, blk: Block, expect: boolean, discard: boolean): Status {
  const start = m.off;
  let p = start;
  const t = blk.byteClass;
  if (t !== null) {
    const end = m.end;
    const buf = m.buf;
    while (p < end && t[buf[p]] === 1) p++;
    // account the class test the block would have run for every byte looked at
    m.actions += p - start + (p < end ? 1 : 0);
    if (m.actions > m.maxActions)
      return m.hot('ELimit', `more than ${m.maxActions} actions ($max_actions)`, site);
  } else {
    while (p < m.end) {
      if (m.sp >= m.caps.maxStack) return m.overflow(site);
      m.stack[m.sp++] = m.latin1(p, p + 1);
      m.off = p;
      const s = runBlock(m, site, blk);
      if (s !== CONTINUE) return s;
      if (m.sp <= m.base)
        return m.fail('EStackEmpty', `the block of \`${site.label}\` left no value`, site);
      if (!isTrue(deref(m, m.stack[--m.sp]))) break;
      p++;
    }
  }
  m.off = p;
  if (expect && p === start) {
    m.off = start;
    if (m.trace !== null) noteMissing(m, site, 'expect_while matched no byte');
    return STOP_NO;
  }
  return discard ? CONTINUE : push(m, site, m.latin1(start, p));
}

function whileVerb(expect: boolean): VerbImpl {
  return {
    op: (site) =>
      function whileOp(m: Machine): Status {
        if (m.sp <= m.base) return m.underflow(site, 1);
        const b = popBlock(m, site);
        return b === null ? m.errStatus : scanWhile(m, site, b, expect, false);
      },
    special(ctx) {
      const b = constBlock(ctx.operands[0]);
      if (!b) return null;
      const site = ctx.site;
      const discard = ctx.next === 'drop';
      if (discard) ctx.consumeNext();
      return (m) => scanWhile(m, site, b, expect, discard);
    },
  };
}

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

function expectString(ci: boolean): VerbImpl {
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

function delimited(ci: boolean, expect: boolean): VerbImpl {
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

export const packetVerbs: Record<string, VerbImpl> = {
  lift: counted('lift'),
  expect: counted('expect'),
  peek: counted('peek'),
  lift_while: whileVerb(false),
  expect_while: whileVerb(true),
  expect_str: expectString(false),
  expecti_str: expectString(true),
  lift_to: delimited(false, false),
  lifti_to: delimited(true, false),
  expect_to: delimited(false, true),
  expecti_to: delimited(true, true),
  move: {
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
};
