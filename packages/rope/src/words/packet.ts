// Reading the packet (§5, §6), by count or while a block says yes: lift expect peek lift_while
// expect_while (the words that look for given bytes, and move: packet-seek.ts). All read within
// [$packet start, end) from the cursor and advance it; expect* end the run with NO when the
// packet lacks what they expect. Constant operands (a length, a one-class block) are prepared at
// compile time and read straight from the packet buffer; `… drop` after a reader skips building
// the string, and `N expect be32_to_uint` (and the other integer readers) reads the integer in
// place.
import { followByteScan } from '../check/control-flow.js';
import { constBlock, constInt, type SpecialCtx } from '../compile/operand.js';
import type { Block, Op } from '../runtime/block.js';
import type { Machine } from '../runtime/machine.js';
import type { Site } from '../runtime/site.js';
import { quoteBytes } from '../runtime/values.js';
import { CONTINUE, STOP_NO, type Status } from '../runtime/verdict.js';
import { deref, isTrue, popBlock, push, runBlock } from './impl-helpers.js';
import { NO_PROBLEMS, wordsOf, type WordImpl, type WordSpec } from './word.js';

/** Call only when `m.trace !== null`: building the message is the costly part. */
export function noteMissing(m: Machine, site: Site, what: string): void {
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

function counted(mode: CountMode): WordImpl {
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

function whileWord(expect: boolean): WordImpl {
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

/** lift, expect, peek: n bytes at the cursor; a constant n must not be negative. */
function counting(mode: CountMode, summary: string, extra: Partial<WordSpec> = {}): WordSpec {
  return {
    name: mode,
    effect: '( n -- s )',
    in: ['int'],
    out: ['str'],
    summary,
    ...extra,
    check([n]) {
      if (typeof n.c === 'number' && n.c < 0)
        return [{ code: 'range', message: `\`${mode}\` needs a byte count ≥ 0, got ${n.c}` }];
      return NO_PROBLEMS;
    },
    impl: counted(mode),
  };
}

export const packetWords = wordsOf('packet', [
  counting('lift', 'up to n bytes at `$offset`'),
  counting('expect', 'exactly n bytes at `$offset`, else NO'),
  counting('peek', 'like lift, without moving `$offset`', { addition: true }),
  {
    name: 'lift_while',
    effect: '( blk -- s )',
    in: ['block'],
    out: ['str'],
    control: true,
    summary: 'bytes while the block, given each byte, leaves true',
    follow: followByteScan,
    impl: whileWord(false),
  },
  {
    name: 'expect_while',
    effect: '( blk -- s )',
    in: ['block'],
    out: ['str'],
    control: true,
    summary: 'like lift_while; an empty result ends with NO',
    follow: followByteScan,
    impl: whileWord(true),
  },
]);
