// The text of one shaped operation (op-shapes.ts) in a straight-line function: the steps its
// closure takes, in the same order, with the same errors. Values reach the text as parameters
// (`bind`), never as script text; only small integers are written as literals.
import type { Ty } from '../language/types.js';
import type { Block } from '../runtime/block.js';
import { SPACE_FLOW } from '../runtime/reg-ref.js';
import { CONTINUE, STOP_FAIL, STOP_NO } from '../runtime/verdict.js';
import { accepts, deref, FAILED, isTrue, runBlock } from '../words/impl-helpers.js';
import type { Reading, Shape } from './op-shapes.js';

/** What an emitter needs from the function being written. */
export interface EmitContext {
  /** The name of a parameter that holds `value` in the function. */
  bind(value: unknown): string;
}

/**
 * The statement that ends the sequence with the status `expr` evaluates to. A straight-line
 * function only ever runs untraced (sequence.ts sends traced runs to the loop), so the trace
 * notes the closures make on their way out are left out here.
 */
function ret(expr: string): string {
  return `return ${expr};`;
}

/** A number as a literal where that is exact and short, else a parameter. */
function literal(ctx: EmitContext, v: unknown): string {
  if (typeof v === 'number' && Number.isInteger(v) && !Object.is(v, -0) && Math.abs(v) <= 2 ** 31)
    return String(v);
  return ctx.bind(v);
}

/** The statement that fails unless `x` is of kind `ty`, as impl-helpers' `accepts` decides. */
function check(ctx: EmitContext, ty: Ty, x: string, fail: string): string {
  switch (ty) {
    case 'int':
      return `if (typeof ${x} !== 'number') ${fail}`;
    case 'str':
      return `if (typeof ${x} !== 'string') ${fail}`;
    case 'value':
      return `if (typeof ${x} !== 'number' && typeof ${x} !== 'string') ${fail}`;
    case 'block':
    case 'tm':
    case 'ref':
      return `if (!${ctx.bind(accepts)}(${ctx.bind(ty)}, ${x})) ${fail}`;
    default:
      return '';
  }
}

/** The expression reading a fetched (constant or register) operand. */
function fetch(ctx: EmitContext, r: Reading): string {
  if (r.k === 'const') return literal(ctx, r.v);
  if (r.k === 'reg') return `${ctx.bind(r.read)}(m)`;
  throw new Error('a stack operand is popped, not fetched');
}

/** Pushes the value in `v` after the overflow check, as impl-helpers' `push`. */
function pushValue(ctx: EmitContext, site: string, v: string): string {
  return `if (m.sp >= m.caps.maxStack) ${ret(`m.overflow(${site})`)}\nm.stack[m.sp++] = ${v};`;
}

function emitUnary(ctx: EmitContext, sh: Extract<Shape, { kind: 'unary' }>): string {
  const S = ctx.bind(sh.site);
  const typeFail = ret(`m.typeError(${S}, ${ctx.bind(sh.expected)}, x)`);
  const failed = `if (r === ${ctx.bind(FAILED)}) ${ret('m.errStatus')}`;
  const F = ctx.bind(sh.f);
  if (sh.x.k === 'stack') {
    return [
      `if (m.sp <= m.base) ${ret(`m.underflow(${S}, 1)`)}`,
      `const x = ${ctx.bind(deref)}(m, m.stack[m.sp - 1]);`,
      check(ctx, sh.ty, 'x', typeFail),
      `const r = ${F}(m, ${S}, x);`,
      failed,
      'm.stack[m.sp - 1] = r;',
    ].join('\n');
  }
  return [
    `const x = ${fetch(ctx, sh.x)};`,
    check(ctx, sh.ty, 'x', typeFail),
    `const r = ${F}(m, ${S}, x);`,
    failed,
    pushValue(ctx, S, 'r'),
  ].join('\n');
}

function emitBinary(ctx: EmitContext, sh: Extract<Shape, { kind: 'binary' }>): string {
  const S = ctx.bind(sh.site);
  const D = ctx.bind(deref);
  const failA = ret(`m.typeError(${S}, ${ctx.bind(sh.ea)}, a)`);
  const failB = ret(`m.typeError(${S}, ${ctx.bind(sh.eb)}, b)`);
  const call = `const r = ${ctx.bind(sh.f)}(m, ${S}, a, b);\nif (r === ${ctx.bind(FAILED)}) ${ret('m.errStatus')}`;
  if (sh.a.k === 'stack' && sh.b.k === 'stack') {
    return [
      'const sp = m.sp;',
      `if (sp - m.base < 2) ${ret(`m.underflow(${S}, 2)`)}`,
      'const st = m.stack;',
      `const a = ${D}(m, st[sp - 2]);`,
      `const b = ${D}(m, st[sp - 1]);`,
      check(ctx, sh.ta, 'a', failA),
      check(ctx, sh.tb, 'b', failB),
      call,
      'st[sp - 2] = r;',
      'm.sp = sp - 1;',
    ].join('\n');
  }
  if (sh.a.k === 'stack') {
    // a constant `b` was checked when the verb was compiled
    return [
      `if (m.sp <= m.base) ${ret(`m.underflow(${S}, 2)`)}`,
      `const a = ${D}(m, m.stack[m.sp - 1]);`,
      check(ctx, sh.ta, 'a', failA),
      `const b = ${fetch(ctx, sh.b)};`,
      sh.b.k === 'const' ? '' : check(ctx, sh.tb, 'b', failB),
      call,
      'm.stack[m.sp - 1] = r;',
    ].join('\n');
  }
  return [
    `const a = ${fetch(ctx, sh.a)};`,
    check(ctx, sh.ta, 'a', failA),
    `const b = ${fetch(ctx, sh.b)};`,
    sh.b.k === 'const' ? '' : check(ctx, sh.tb, 'b', failB),
    call,
    pushValue(ctx, S, 'r'),
  ].join('\n');
}

/** `const c`: whether the condition of if/unless/ifelse holds, as control.ts's condReader. */
function condition(ctx: EmitContext, cond: Reading, S: string): string {
  const T = ctx.bind(isTrue);
  if (cond.k === 'stack') {
    // an empty stack records the error and fails the run
    return [
      `if (m.sp <= m.base) { m.underflow(${S}, 1); ${ret(String(STOP_FAIL))} }`,
      `const c = ${T}(${ctx.bind(deref)}(m, m.stack[--m.sp]));`,
    ].join('\n');
  }
  return `const c = ${T}(${fetch(ctx, cond)});`;
}

/**
 * Runs `block` as runBlock does, leaving its status in `s`. The call to the block's own
 * sequence is made here, where it always sees the same block.
 */
function blockRun(ctx: EmitContext, block: Block, S: string): string {
  return [
    `if (m.depth >= m.caps.maxDepth) ${ret(`${ctx.bind(runBlock)}(m, ${S}, ${ctx.bind(block)})`)}`,
    'm.depth++;',
    `s = ${ctx.bind(block.run)}(m);`,
    'm.depth--;',
  ].join('\n');
}

function emitIf(ctx: EmitContext, sh: Extract<Shape, { kind: 'if' }>): string {
  const S = ctx.bind(sh.site);
  return [
    condition(ctx, sh.cond, S),
    `if (${sh.invert ? '!c' : 'c'}) {`,
    blockRun(ctx, sh.block, S),
    `if (s !== ${CONTINUE}) ${ret('s')}`,
    '}',
  ].join('\n');
}

function emitIfelse(ctx: EmitContext, sh: Extract<Shape, { kind: 'ifelse' }>): string {
  const S = ctx.bind(sh.site);
  return [
    condition(ctx, sh.cond, S),
    'if (c) {',
    blockRun(ctx, sh.yes, S),
    '} else {',
    blockRun(ctx, sh.no, S),
    '}',
    `if (s !== ${CONTINUE}) ${ret('s')}`,
  ].join('\n');
}

function emitTryEach(ctx: EmitContext, sh: Extract<Shape, { kind: 'tryEach' }>): string {
  const S = ctx.bind(sh.site);
  // each shaped operation is a block statement of its own, so the label never nests in itself
  const lines = [
    'const off = m.off, sp = m.sp, base = m.base, anchors = m.anchorDepth;',
    'tried: {',
  ];
  for (const block of sh.blocks) {
    lines.push(
      'm.off = off;',
      blockRun(ctx, block, S),
      `if (s !== ${STOP_NO}) break tried;`,
      // a block that ended with NO leaves nothing behind for the next one
      'm.never = false;',
      'if (m.sp > sp) m.sp = sp;',
      'm.base = base;',
      'm.anchorDepth = anchors;',
    );
  }
  lines.push(`s = ${STOP_NO};`, '}', `if (s !== ${CONTINUE}) ${ret('s')}`);
  return lines.join('\n');
}

function emitVerdict(ctx: EmitContext, sh: Extract<Shape, { kind: 'verdict' }>): string {
  const S = ctx.bind(sh.site);
  const end = ret(`${ctx.bind(sh.finish)}(m, ${S})`);
  const popped = `${ctx.bind(isTrue)}(${ctx.bind(deref)}(m, m.stack[--m.sp]))`;
  switch (sh.form) {
    case 'end':
      return end;
    case 'bare':
      return `if (m.sp > m.base) { if (${popped}) ${end} } else ${end}`;
    case 'one':
      return `if (m.sp <= m.base) ${ret(`m.underflow(${S}, 1)`)}\nif (${popped}) ${end}`;
    case 'fetched':
      return `if (${ctx.bind(isTrue)}(${fetch(ctx, sh.cond)})) ${end}`;
  }
}

function emitStore(ctx: EmitContext, sh: Extract<Shape, { kind: 'store' }>): string {
  const S = ctx.bind(sh.site);
  const lines: string[] = [];
  if (sh.v.k === 'stack') {
    lines.push(
      `if (m.sp <= m.base) ${ret(`m.underflow(${S}, 2)`)}`,
      `const v = ${ctx.bind(deref)}(m, m.stack[--m.sp]);`,
    );
  } else {
    lines.push(`const v = ${fetch(ctx, sh.v)};`);
  }
  // `store` itself records the error when a check fails: the checks it makes, known here
  const refuse = ret(`${ctx.bind(sh.store)}(m, ${S}, ${ctx.bind(sh.ref)}, v)`);
  const ref = sh.ref;
  if (ref.write === null) {
    lines.push(refuse);
    return lines.join('\n');
  }
  if (ref.info.type === 'int') lines.push(`if (typeof v !== 'number') ${refuse}`);
  if (ref.space === SPACE_FLOW)
    lines.push(`if (typeof v !== 'number' && typeof v !== 'string') ${refuse}`);
  lines.push(`${ctx.bind(ref.write)}(m, v);`);
  return lines.join('\n');
}

/** The statements of `shape`, each wrapped in a block of its own so their names stay local. */
export function emitShape(ctx: EmitContext, shape: Shape): string {
  switch (shape.kind) {
    case 'push': {
      const S = ctx.bind(shape.site);
      const n = shape.values.length;
      const over = ret(`m.overflow(${S})`);
      const head =
        n === 1
          ? `if (m.sp >= m.caps.maxStack) ${over}`
          : `if (m.sp + ${n} > m.caps.maxStack) ${over}`;
      const pushes = shape.values.map((v) => `m.stack[m.sp++] = ${literal(ctx, v)};`);
      return `{\n${head}\n${pushes.join('\n')}\n}`;
    }
    case 'unary':
      return `{\n${emitUnary(ctx, shape)}\n}`;
    case 'binary':
      return `{\n${emitBinary(ctx, shape)}\n}`;
    case 'assert': {
      const S = ctx.bind(shape.site);
      return [
        '{',
        `if (m.sp <= m.base) ${ret(`m.underflow(${S}, 1)`)}`,
        `if (!${ctx.bind(isTrue)}(${ctx.bind(deref)}(m, m.stack[--m.sp]))) ${ret(String(STOP_NO))}`,
        '}',
      ].join('\n');
    }
    case 'if':
      return `{\n${emitIf(ctx, shape)}\n}`;
    case 'ifelse':
      return `{\n${emitIfelse(ctx, shape)}\n}`;
    case 'verdict':
      return `{\n${emitVerdict(ctx, shape)}\n}`;
    case 'tryEach':
      return `{\n${emitTryEach(ctx, shape)}\n}`;
    case 'store':
      return `{\n${emitStore(ctx, shape)}\n}`;
    case 'read': {
      const S = ctx.bind(shape.site);
      return `{\nconst v = ${ctx.bind(shape.ref.read)}(m);\n${pushValue(ctx, S, 'v')}\n}`;
    }
  }
}
