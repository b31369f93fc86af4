// do repeat if unless ifelse while until eval expect_one (§4, §6): the control words that run
// blocks (the ones that end the run: control-verdicts.ts). Blocks that are literals are called
// directly; loops count iterations against $max_while_loops. The checker follows the blocks with
// each record's `follow` hook (check/control-flow.ts).
import {
  followDo,
  followEval,
  followExpectOne,
  followIf,
  followIfelse,
  followLoop,
  followRepeat,
} from '../check/control-flow.js';
import { readingOf, shaped } from '../compile/op-shapes.js';
import { constBlock, type Operand, type SpecialCtx } from '../compile/operand.js';
import type { Block, Op } from '../runtime/block.js';
import type { Machine } from '../runtime/machine.js';
import type { Site } from '../runtime/site.js';
import type { Value } from '../runtime/values.js';
import {
  CONTINUE,
  STOP_FAIL,
  STOP_HOTDROP,
  STOP_NO,
  STOP_YES,
  Verdict,
  type Status,
} from '../runtime/verdict.js';
import { deref, isTrue, popBlock, push, reader, runBlock } from './impl-helpers.js';
import { wordsOf, type WordImpl } from './word.js';

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
  // a `never` inside ended the block, not the run
  m.never = false;
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
    m.never = false;
    if (m.sp > sp) m.sp = sp;
    m.base = base;
    m.anchorDepth = anchors;
  }
  if (m.trace?.note) m.trace.note(site, `expect_one: all ${blocks.length} blocks ended with NO`);
  return STOP_NO;
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

function conditional(invert: boolean): WordImpl {
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
      return shaped(
        function ifBlock(m: Machine): Status {
          const c = cond(m, site);
          if (c < 0) return STOP_FAIL;
          return (c === 1) !== invert ? runBlock(m, site, b) : CONTINUE;
        },
        { kind: 'if', cond: readingOf(ctx.operands[0]), invert, block: b, site },
      );
    },
  };
}

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

function loop(until: boolean): WordImpl {
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

export const controlWords = wordsOf('control', [
  {
    name: 'do',
    effect: '( blk -- … )',
    in: ['block'],
    out: [],
    control: true,
    summary: 'run a block',
    follow: followDo,
    impl: {
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
  },
  {
    name: 'repeat',
    effect: '( n blk -- … )',
    in: ['int', 'block'],
    out: [],
    control: true,
    summary: 'run a block n times',
    follow: followRepeat,
    impl: {
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
  },
  {
    name: 'if',
    effect: '( b blk -- … )',
    in: ['any', 'block'],
    out: [],
    control: true,
    summary: 'run a block if b is true',
    follow: followIf(false),
    impl: conditional(false),
  },
  {
    name: 'unless',
    effect: '( b blk -- … )',
    in: ['any', 'block'],
    out: [],
    control: true,
    summary: 'run a block if b is false',
    follow: followIf(true),
    impl: conditional(true),
  },
  {
    name: 'ifelse',
    effect: '( b blkTrue blkFalse -- … )',
    in: ['any', 'block', 'block'],
    out: [],
    control: true,
    summary: 'run one of two blocks',
    follow: followIfelse,
    impl: {
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
        return shaped(
          function ifelseBlocks(m: Machine): Status {
            const c = cond(m, site);
            if (c < 0) return STOP_FAIL;
            return runBlock(m, site, c === 1 ? yes : no);
          },
          { kind: 'ifelse', cond: readingOf(ctx.operands[0]), yes, no, site },
        );
      },
    },
  },
  {
    name: 'while',
    effect: '( blkCond blkBody -- … )',
    in: ['block', 'block'],
    out: [],
    control: true,
    summary: 'run the body while the condition block leaves a true value',
    follow: followLoop,
    impl: loop(false),
  },
  {
    name: 'until',
    effect: '( blkCond blkBody -- … )',
    in: ['block', 'block'],
    out: [],
    control: true,
    summary: 'run the body until the condition block leaves a true value',
    follow: followLoop,
    impl: loop(true),
  },
  {
    name: 'eval',
    effect: '( blk -- n )',
    in: ['block'],
    out: ['int'],
    control: true,
    summary: 'run a block and push how it ended: YES, NO, FAIL or OKAY',
    follow: followEval,
    impl: {
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
  },
  {
    name: 'expect_one',
    effect: '( blk… -- … )',
    in: [],
    out: [],
    anchor: 'only',
    variadic: { of: 'block', min: 1 },
    control: true,
    summary: 'try blocks in turn until one does not end with NO',
    follow: followExpectOne,
    impl: {
      op: (site, n) => (m) => expectOneN(m, site, n),
      runN: expectOneN,
      special(ctx) {
        const blocks = blocksOf(ctx.operands, 0);
        if (!blocks) return null;
        const site = ctx.site;
        return shaped((m: Machine) => tryEach(m, site, blocks), { kind: 'tryEach', blocks, site });
      },
    },
  },
]);
