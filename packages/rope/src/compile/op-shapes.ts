// What a compiled operation does, told in data, for the straight-line tier (straight-line.ts).
// A verb's closure stays the operation; a shape registered beside it lets the straight-line
// generator write the same steps as text in the sequence's own function instead of calling the
// closure. The closures are shared code: one `binaryFetched` serves every `$x 5 eq` of every
// script, so V8 sees its calls to the operand readers and the verb's function from every site
// at once and can inline none of them. Written out per site, each call sees one target.
//
// A shape must describe exactly what its closure does, in the same order, with the same errors:
// the straight-line function replaces the closure once a sequence is hot, and outputs stay
// byte-identical (straight-line-tiers.test.ts runs both tiers side by side, run for run). Trace
// notes are the one exception: a straight-line function only runs untraced.
import type { Ty } from '../language/types.js';
import type { Operand } from './operand.js';
import type { Block, Op } from '../runtime/block.js';
import type { Machine } from '../runtime/machine.js';
import type { RegRef } from '../runtime/reg-ref.js';
import type { Site } from '../runtime/site.js';
import type { Value } from '../runtime/values.js';
import type { Status } from '../runtime/verdict.js';

/** Where an operand comes from: popped from the stack, a constant, or a register's value. */
export type Reading =
  { k: 'stack' } | { k: 'const'; v: Value } | { k: 'reg'; read: (m: Machine) => Value };

export const STACK_READING: Reading = { k: 'stack' };

/** How the straight-line function reads an operand the compiler described. */
export function readingOf(o: Operand): Reading {
  if (o.k === 'const') return { k: 'const', v: o.v };
  if (o.k === 'reg') return { k: 'reg', read: o.ref.read };
  return STACK_READING;
}

/** A verb's own work on its operands; FAILED (impl-helpers.ts) when it recorded an error. */
export type Fn1 = (m: Machine, site: Site, x: Value) => unknown;
export type Fn2 = (m: Machine, site: Site, a: Value, b: Value) => unknown;

export type Shape =
  /** Pushes constants (or register references) in order. */
  | { kind: 'push'; values: readonly Value[]; site: Site }
  /** ( x -- r ): `x` dereferenced, checked against `ty`, `f` applied; pushes or replaces. */
  | { kind: 'unary'; ty: Ty; expected: string; x: Reading; f: Fn1; site: Site }
  /** ( a b -- r ), as impl-helpers' binary. `b` is never popped when `a` is fetched. */
  | {
      kind: 'binary';
      ta: Ty;
      tb: Ty;
      ea: string;
      eb: string;
      a: Reading;
      b: Reading;
      f: Fn2;
      site: Site;
    }
  /** ( b -- ): ends the run with NO unless b is true. */
  | { kind: 'assert'; site: Site }
  /** `c { … } if` / `unless` with a block known at compile time. */
  | { kind: 'if'; cond: Reading; invert: boolean; block: Block; site: Site }
  /** `c { … } { … } ifelse` with both blocks known at compile time. */
  | { kind: 'ifelse'; cond: Reading; yes: Block; no: Block; site: Site }
  /**
   * yes/no/never: `end` ends the run; `bare` (written without an anchor) ends it if the stack
   * holds a true value above the anchor, or holds none; `one` pops a value and ends if it is
   * true; `fetched` does that with a constant or register operand. `finish` gives the status.
   */
  | {
      kind: 'verdict';
      form: 'end' | 'bare' | 'one' | 'fetched';
      cond: Reading;
      finish: (m: Machine, site: Site) => Status;
      site: Site;
    }
  /** `expect_one( { … } … )` with blocks known at compile time (control.ts's tryEach). */
  | { kind: 'tryEach'; blocks: readonly Block[]; site: Site }
  /** `v $r put`: `store` checks and writes as words/registers.ts does. */
  | {
      kind: 'store';
      v: Reading;
      ref: RegRef;
      store: (m: Machine, site: Site, ref: RegRef, v: Value) => Status;
      site: Site;
    }
  /** `$r get`: pushes the register's value. */
  | { kind: 'read'; ref: RegRef; site: Site };

const shapes = new WeakMap<Op, Shape>();

/** Registers `op`'s shape and returns `op`. */
export function shaped<T extends Op>(op: T, shape: Shape): T {
  shapes.set(op, shape);
  return op;
}

export function shapeOf(op: Op): Shape | undefined {
  return shapes.get(op);
}
