// Building blocks for word implementations: operand fetching with dereference and type checks,
// and combinators for the common shapes (x -- r) and (a b -- r) with their constant-operand
// specialisations. A failing helper has already recorded the error on the machine.
import type { Operand, SpecialCtx } from '../compile/operand.js';
import { readingOf, shaped, STACK_READING } from '../compile/op-shapes.js';
import { tyName, type Ty } from '../language/types.js';
import type { Block, Op } from '../runtime/block.js';
import type { Machine } from '../runtime/machine.js';
import type { RegRef } from '../runtime/reg-ref.js';
import type { Site } from '../runtime/site.js';
import { TAG_BLOCK, TAG_REF, TAG_TM, type Value } from '../runtime/values.js';
import { CONTINUE, type Status } from '../runtime/verdict.js';
import type { WordImpl } from './word.js';

/** Returned by value functions that failed; the machine holds the error and `m.status`. */
export const FAILED: unique symbol = Symbol('failed');
export type Result = Value | typeof FAILED;

export function deref(m: Machine, v: Value): Value {
  return typeof v === 'object' && v.tag === TAG_REF ? (v as RegRef).read(m) : v;
}

export function accepts(ty: Ty, v: Value): boolean {
  switch (ty) {
    case 'int':
      return typeof v === 'number';
    case 'str':
      return typeof v === 'string';
    case 'value':
      return typeof v === 'number' || typeof v === 'string';
    case 'block':
      return typeof v === 'object' && v.tag === TAG_BLOCK;
    case 'tm':
      return typeof v === 'object' && v.tag === TAG_TM;
    case 'ref':
      return typeof v === 'object' && v.tag === TAG_REF;
    default:
      return true;
  }
}

/** Pushes a value, or ends the run with HOTDROP when the stack is full. */
export function push(m: Machine, site: Site, v: Value): Status {
  if (m.sp >= m.caps.maxStack) return m.overflow(site);
  m.stack[m.sp++] = v;
  return CONTINUE;
}

/** Status of a value function's result: push it, or pass its failure on. */
export function pushResult(m: Machine, site: Site, r: Result): Status {
  if (r === FAILED) return m.errStatus;
  return push(m, site, r);
}

/** Reads an operand for a verb compiled with it: register value or constant; stack ones pop. */
export function reader(o: Operand): ((m: Machine) => Value) | null {
  if (o.k === 'const') {
    const v = o.v;
    return () => v;
  }
  if (o.k === 'reg') {
    const ref = o.ref;
    return (m) => ref.read(m);
  }
  return null;
}

type Fn1 = (m: Machine, site: Site, x: Value) => Result;
type Fn2 = (m: Machine, site: Site, a: Value, b: Value) => Result;

/** ( x -- r ): x is dereferenced and must be of kind `ty`. */
export function unary(ty: Ty, f: Fn1): WordImpl {
  const expected = tyName(ty);
  return {
    op: (site) =>
      shaped(
        function unaryOp(m: Machine): Status {
          if (m.sp <= m.base) return m.underflow(site, 1);
          const x = deref(m, m.stack[m.sp - 1]);
          if (!accepts(ty, x)) return m.typeError(site, expected, x);
          const r = f(m, site, x);
          if (r === FAILED) return m.errStatus;
          m.stack[m.sp - 1] = r;
          return CONTINUE;
        },
        { kind: 'unary', ty, expected, x: STACK_READING, f, site },
      ),
    special(ctx: SpecialCtx): Op | null {
      const o = ctx.operands[0];
      if (o.k !== 'reg') return null;
      const ref = o.ref;
      const site = ctx.site;
      return shaped(
        function unaryReg(m: Machine): Status {
          const x = ref.read(m);
          if (!accepts(ty, x)) return m.typeError(site, expected, x);
          return pushResult(m, site, f(m, site, x));
        },
        { kind: 'unary', ty, expected, x: readingOf(o), f, site },
      );
    },
  };
}

/** ( a b -- r ): both dereferenced and checked against `ta`, `tb`. */
export function binary(ta: Ty, tb: Ty, f: Fn2): WordImpl {
  const ea = tyName(ta);
  const eb = tyName(tb);
  return {
    op: (site) =>
      shaped(
        function binaryOp(m: Machine): Status {
          const sp = m.sp;
          if (sp - m.base < 2) return m.underflow(site, 2);
          const s = m.stack;
          const a = deref(m, s[sp - 2]);
          const b = deref(m, s[sp - 1]);
          if (!accepts(ta, a)) return m.typeError(site, ea, a);
          if (!accepts(tb, b)) return m.typeError(site, eb, b);
          const r = f(m, site, a, b);
          if (r === FAILED) return m.errStatus;
          s[sp - 2] = r;
          m.sp = sp - 1;
          return CONTINUE;
        },
        { kind: 'binary', ta, tb, ea, eb, a: STACK_READING, b: STACK_READING, f, site },
      ),
    special(ctx: SpecialCtx): Op | null {
      const [oa, ob] = ctx.operands;
      const site = ctx.site;
      if (ob.k === 'stack') return null;
      const rb = reader(ob)!;
      if (ob.k === 'const' && !accepts(tb, ob.v)) return null;
      const shape = {
        kind: 'binary',
        ta,
        tb,
        ea,
        eb,
        a: readingOf(oa),
        b: readingOf(ob),
        f,
        site,
      } as const;
      if (oa.k === 'stack') {
        return shaped(function binaryTop(m: Machine): Status {
          if (m.sp <= m.base) return m.underflow(site, 2);
          const a = deref(m, m.stack[m.sp - 1]);
          if (!accepts(ta, a)) return m.typeError(site, ea, a);
          const b = rb(m);
          if (!accepts(tb, b)) return m.typeError(site, eb, b);
          const r = f(m, site, a, b);
          if (r === FAILED) return m.errStatus;
          m.stack[m.sp - 1] = r;
          return CONTINUE;
        }, shape);
      }
      const ra = reader(oa)!;
      return shaped(function binaryFetched(m: Machine): Status {
        const a = ra(m);
        if (!accepts(ta, a)) return m.typeError(site, ea, a);
        const b = rb(m);
        if (!accepts(tb, b)) return m.typeError(site, eb, b);
        return pushResult(m, site, f(m, site, a, b));
      }, shape);
    },
  };
}

/**
 * Variadic verbs: `n` operands, each dereferenced and checked against `ty`, reduced by `step`
 * from the bottom one up (so `sub( a b c )` is (a-b)-c).
 */
export function fold(
  ty: Ty,
  first: (m: Machine, site: Site, x: Value) => Result,
  step: Fn2,
  empty: Value | null,
): WordImpl {
  const expected = tyName(ty);
  const runN = (m: Machine, site: Site, n: number): Status => {
    if (m.sp - m.base < n) return m.underflow(site, n);
    const s = m.stack;
    const base = m.sp - n;
    if (n === 0) {
      if (empty === null)
        return m.fail('EAnchor', `\`${site.label}\` needs at least one argument`, site);
      return push(m, site, empty);
    }
    let acc = deref(m, s[base]);
    if (!accepts(ty, acc)) return m.typeError(site, expected, acc);
    let r = first(m, site, acc);
    if (r === FAILED) return m.errStatus;
    acc = r;
    for (let i = base + 1; i < base + n; i++) {
      const x = deref(m, s[i]);
      if (!accepts(ty, x)) return m.typeError(site, expected, x);
      r = step(m, site, acc, x);
      if (r === FAILED) return m.errStatus;
      acc = r;
    }
    s[base] = acc;
    m.sp = base + 1;
    return CONTINUE;
  };
  const two = binary(ty, ty, step);
  return {
    op: (site, n) => (n === 2 ? two.op(site, 2) : (m) => runN(m, site, n)),
    runN,
    special: (ctx) => (ctx.operands.length === 2 ? two.special!(ctx) : null),
  };
}

/** Pops a block operand (dereferenced). Returns null after recording a type error. */
export function popBlock(m: Machine, site: Site): Block | null {
  const v = deref(m, m.stack[--m.sp]);
  if (typeof v === 'object' && v.tag === TAG_BLOCK) return v as Block;
  m.typeError(site, 'a block', v);
  return null;
}

/** Runs a block one level deeper; the depth cap stops runaway recursion through registers. */
export function runBlock(m: Machine, site: Site, b: Block): Status {
  if (m.depth >= m.caps.maxDepth) {
    return m.hot(
      'ELimit',
      `blocks nested more than ${m.caps.maxDepth} deep (recursion through a register?)`,
      site,
    );
  }
  m.depth++;
  const s = b.run(m);
  m.depth--;
  return s;
}

export function isTrue(v: Value): boolean {
  return typeof v === 'number' ? v !== 0 : typeof v === 'string' ? v.length !== 0 : true;
}
