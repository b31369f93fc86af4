// do repeat if unless ifelse while until eval expect_one yes no assert hotdrop (§4, §6).
// Blocks that are literals are called directly; loops count iterations against $max_while_loops.
import type { Machine } from '../../runtime/machine.js';
import type { Site } from '../../runtime/site.js';
import { printValue, type Block, type Op, type Value } from '../../runtime/values.js';
import {
  CONTINUE,
  STOP_FAIL,
  STOP_HOTDROP,
  STOP_NO,
  STOP_YES,
  type Status,
} from '../../runtime/verdict.js';
import { Verdict } from '../../runtime/verdict.js';
import { constBlock, type Operand, type SpecialCtx, type VerbImpl } from '../operand.js';
import { deref, isTrue, popBlock, push, reader, runBlock } from './common.js';

function loopLimit(m: Machine, site: Site, verb: string): Status {
  return m.hot('ELimit', `${verb} ran more than ${m.maxLoops} iterations ($max_while_loops)`, site);
}

/** Pops the truth value a condition block left. */
function condition(m: Machine, site: Site): number {
  if (m.sp <= m.base) {
    m.fail('EStackEmpty', `the condition block of \`${site.label}\` left no value`, site);
    return -1;
  }
  return isTrue(deref(m, m.stack[--m.sp])) ? 1 : 0;
}

function doWhile(m: Machine, site: Site, cond: Block, body: Block, until: boolean): Status {
  let n = 0;
  for (;;) {
    let s = runBlock(m, site, cond);
    if (s !== CONTINUE) return s;
    const c = condition(m, site);
    if (c < 0) return STOP_FAIL;
    if ((c === 1) === until) return CONTINUE;
    if (++n > m.maxLoops) return loopLimit(m, site, until ? 'until' : 'while');
    s = runBlock(m, site, body);
    if (s !== CONTINUE) return s;
  }
}

function doRepeat(m: Machine, site: Site, count: number, body: Block): Status {
  for (let i = 0; i < count; i++) {
    if (i >= m.maxLoops) return loopLimit(m, site, 'repeat');
    const s = runBlock(m, site, body);
    if (s !== CONTINUE) return s;
  }
  return CONTINUE;
}

/** Runs a block and turns how it ended into a value (eval): HOTDROP is not caught. */
function evaluate(m: Machine, site: Site, b: Block): Status {
  const sp = m.sp;
  const base = m.base;
  const anchors = m.anchorDepth;
  const s = runBlock(m, site, b);
  if (s === CONTINUE) return push(m, site, Verdict.OKAY);
  if (s === STOP_HOTDROP) return s;
  // yes/no/assert/expect/an error inside: the block's leftovers go, the outcome is pushed
  if (m.sp > sp) m.sp = sp;
  m.base = base;
  m.anchorDepth = anchors;
  if (s === STOP_FAIL) {
    if (m.trace?.note) m.trace.note(site, `eval caught ${m.errName}: ${m.errMessage}`);
    m.errName = null;
    m.errMessage = '';
    m.errSite = null;
  }
  return push(m, site, s === STOP_YES ? Verdict.YES : s === STOP_NO ? Verdict.NO : Verdict.FAIL);
}

/** expect_one: the first block that does not end with NO decides; all NO → NO. */
function tryEach(m: Machine, site: Site, blocks: readonly Block[]): Status {
  const off = m.off;
  const sp = m.sp;
  const base = m.base;
  const anchors = m.anchorDepth;
  for (let i = 0; i < blocks.length; i++) {
    m.off = off;
    const s = runBlock(m, site, blocks[i]);
    if (s !== STOP_NO) return s;
    if (m.sp > sp) m.sp = sp;
    m.base = base;
    m.anchorDepth = anchors;
  }
  if (m.trace?.note) m.trace.note(site, `expect_one: all ${blocks.length} blocks ended with NO`);
  return STOP_NO;
}

/**
 * yes/no. Written bare (n < 0): with a value above the anchor, end only if it is true; with
 * none, end. `yes()` ends; `yes( b )` ends only if b is true.
 */
function verdictVerb(stop: Status): VerbImpl {
  const test = (m: Machine): Status => (isTrue(deref(m, m.stack[--m.sp])) ? stop : CONTINUE);
  const bare = (m: Machine): Status => (m.sp > m.base ? test(m) : stop);
  return {
    op: (site, n) => {
      if (n < 0) return bare;
      if (n === 0) return () => stop;
      return (m) => (m.sp <= m.base ? m.underflow(site, 1) : test(m));
    },
    runN: (m, site, n) => {
      if (n > 1)
        return m.fail('EAnchor', `\`${site.label}\` takes at most one argument, got ${n}`, site);
      return n === 0 ? stop : test(m);
    },
    special(ctx) {
      const o = ctx.operands[ctx.operands.length - 1];
      if (!o || o.k === 'stack') return null;
      const r = reader(o)!;
      return (m) => (isTrue(r(m)) ? stop : CONTINUE);
    },
  };
}

function hotdropWith(m: Machine, site: Site, n: number): Status {
  if (m.sp - m.base < n) return m.underflow(site, n);
  let msg = '';
  for (let i = m.sp - n; i < m.sp; i++) msg += printValue(deref(m, m.stack[i]));
  m.sp -= n;
  return m.hot('EHotdrop', msg === '' ? 'hotdrop' : msg, site);
}

/** Ops for verbs whose last operand(s) are literal blocks. */
function blocksOf(ops: Operand[], from: number): Block[] | null {
  const out: Block[] = [];
  for (let i = from; i < ops.length; i++) {
    const b = constBlock(ops[i]);
    if (!b) return null;
    out.push(b);
  }
  return out;
}

/** Pops the condition operand of if/unless/ifelse when it is not known at compile time. */
function condReader(o: Operand): ((m: Machine, site: Site) => number) | null {
  if (o.k === 'stack') {
    return (m, site) => {
      if (m.sp <= m.base) {
        m.underflow(site, 1);
        return -1;
      }
      return isTrue(deref(m, m.stack[--m.sp])) ? 1 : 0;
    };
  }
  const r = reader(o)!;
  return (m) => (isTrue(r(m)) ? 1 : 0);
}

function conditional(invert: boolean): VerbImpl {
  return {
    op: (site) =>
      function ifOp(m: Machine): Status {
        if (m.sp - m.base < 2) return m.underflow(site, 2);
        const b = popBlock(m, site);
        if (b === null) return m.errStatus;
        const c = isTrue(deref(m, m.stack[--m.sp]));
        return c !== invert ? runBlock(m, site, b) : CONTINUE;
      },
    special(ctx: SpecialCtx): Op | null {
      const blocks = blocksOf(ctx.operands, 1);
      if (!blocks) return null;
      const [b] = blocks;
      const cond = condReader(ctx.operands[0])!;
      const site = ctx.site;
      return function ifBlock(m: Machine): Status {
        const c = cond(m, site);
        if (c < 0) return STOP_FAIL;
        return (c === 1) !== invert ? runBlock(m, site, b) : CONTINUE;
      };
    },
  };
}

export const controlVerbs: Record<string, VerbImpl> = {
  do: {
    op: (site) =>
      function doOp(m: Machine): Status {
        if (m.sp <= m.base) return m.underflow(site, 1);
        const b = popBlock(m, site);
        return b === null ? m.errStatus : runBlock(m, site, b);
      },
    special(ctx) {
      const b = constBlock(ctx.operands[0]);
      if (!b) return null;
      const site = ctx.site;
      return (m) => runBlock(m, site, b);
    },
  },
  repeat: {
    op: (site) =>
      function repeatOp(m: Machine): Status {
        if (m.sp - m.base < 2) return m.underflow(site, 2);
        const b = popBlock(m, site);
        if (b === null) return m.errStatus;
        const n = deref(m, m.stack[--m.sp]);
        if (typeof n !== 'number') return m.typeError(site, 'an integer count', n);
        return doRepeat(m, site, n, b);
      },
    special(ctx) {
      const b = constBlock(ctx.operands[1]);
      if (!b) return null;
      const o = ctx.operands[0];
      const site = ctx.site;
      const r = reader(o);
      return function repeatBlock(m: Machine): Status {
        let n: Value;
        if (r === null) {
          if (m.sp <= m.base) return m.underflow(site, 2);
          n = deref(m, m.stack[--m.sp]);
        } else n = r(m);
        if (typeof n !== 'number') return m.typeError(site, 'an integer count', n);
        return doRepeat(m, site, n, b);
      };
    },
  },
  if: conditional(false),
  unless: conditional(true),
  ifelse: {
    op: (site) =>
      function ifelseOp(m: Machine): Status {
        if (m.sp - m.base < 3) return m.underflow(site, 3);
        const no = popBlock(m, site);
        if (no === null) return m.errStatus;
        const yes = popBlock(m, site);
        if (yes === null) return m.errStatus;
        return runBlock(m, site, isTrue(deref(m, m.stack[--m.sp])) ? yes : no);
      },
    special(ctx) {
      const blocks = blocksOf(ctx.operands, 1);
      if (!blocks) return null;
      const [yes, no] = blocks;
      const cond = condReader(ctx.operands[0])!;
      const site = ctx.site;
      return function ifelseBlocks(m: Machine): Status {
        const c = cond(m, site);
        if (c < 0) return STOP_FAIL;
        return runBlock(m, site, c === 1 ? yes : no);
      };
    },
  },
  while: loop(false),
  until: loop(true),
  eval: {
    op: (site) =>
      function evalOp(m: Machine): Status {
        if (m.sp <= m.base) return m.underflow(site, 1);
        const b = popBlock(m, site);
        return b === null ? m.errStatus : evaluate(m, site, b);
      },
    special(ctx) {
      const b = constBlock(ctx.operands[0]);
      if (!b) return null;
      const site = ctx.site;
      return (m) => evaluate(m, site, b);
    },
  },
  expect_one: {
    op: (site, n) => (m) => expectOneN(m, site, n),
    runN: expectOneN,
    special(ctx) {
      const blocks = blocksOf(ctx.operands, 0);
      if (!blocks) return null;
      const site = ctx.site;
      return (m) => tryEach(m, site, blocks);
    },
  },
  yes: verdictVerb(STOP_YES),
  no: verdictVerb(STOP_NO),
  assert: {
    op: (site) =>
      function assertOp(m: Machine): Status {
        if (m.sp <= m.base) return m.underflow(site, 1);
        if (isTrue(deref(m, m.stack[--m.sp]))) return CONTINUE;
        if (m.trace?.note) m.trace.note(site, 'EAssertFailed: assertion is false');
        return STOP_NO;
      },
  },
  hotdrop: {
    op: (site, n) => (m) => hotdropWith(m, site, n),
    runN: hotdropWith,
  },
};

function expectOneN(m: Machine, site: Site, n: number): Status {
  if (m.sp - m.base < n) return m.underflow(site, n);
  const blocks: Block[] = [];
  for (let i = m.sp - n; i < m.sp; i++) {
    const v = deref(m, m.stack[i]);
    if (typeof v !== 'object' || v.tag !== 1) return m.typeError(site, 'blocks', v);
    blocks.push(v as Block);
  }
  m.sp -= n;
  return tryEach(m, site, blocks);
}

function loop(until: boolean): VerbImpl {
  return {
    op: (site) =>
      function loopOp(m: Machine): Status {
        if (m.sp - m.base < 2) return m.underflow(site, 2);
        const body = popBlock(m, site);
        if (body === null) return m.errStatus;
        const cond = popBlock(m, site);
        if (cond === null) return m.errStatus;
        return doWhile(m, site, cond, body, until);
      },
    special(ctx) {
      const blocks = blocksOf(ctx.operands, 0);
      if (!blocks) return null;
      const [cond, body] = blocks;
      const site = ctx.site;
      return (m) => doWhile(m, site, cond, body, until);
    },
  };
}
