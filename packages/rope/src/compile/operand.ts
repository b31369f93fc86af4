// What the compiler knows about a verb's operand when it compiles the verb: it is on the stack
// (computed at run time), a constant (a literal, a folded expression, a block), or the value of
// a register read at the moment the verb runs (`$ip_ttl 64 eq`). Verbs specialise on the last
// two so literal operands cost nothing at run time.
import type { Site } from '../runtime/site.js';
import { TAG_BLOCK, type Block, type Op, type RegRef, type Value } from '../runtime/values.js';

export type Operand = { k: 'stack' } | { k: 'const'; v: Value } | { k: 'reg'; ref: RegRef };

export const STACK: Operand = { k: 'stack' };

export interface SpecialCtx {
  site: Site;
  /** The verb's operands, top of stack last. Stack operands always come first. */
  operands: Operand[];
  /** The word that follows in the same sequence, for fusing (`expect_while drop`). */
  next: string | null;
  /** The special op also does what `next` would: the compiler skips it. */
  consumeNext(): void;
}

export interface VerbImpl {
  /** All operands on the stack; for variadic verbs `n` is their number. */
  op(site: Site, n: number): Op;
  /** Variadic verbs: operands counted at run time (an anchor call with dynamic contents). */
  runN?(m: import('../runtime/machine.js').Machine, site: Site, n: number): number;
  /** A faster op for constant or register operands, or null to use `op`. */
  special?(ctx: SpecialCtx): Op | null;
}

export function constOf(o: Operand | undefined): Value | undefined {
  return o && o.k === 'const' ? o.v : undefined;
}

export function constInt(o: Operand | undefined): number | undefined {
  const v = constOf(o);
  return typeof v === 'number' ? v : undefined;
}

export function constStr(o: Operand | undefined): string | undefined {
  const v = constOf(o);
  return typeof v === 'string' ? v : undefined;
}

export function constBlock(o: Operand | undefined): Block | undefined {
  const v = constOf(o);
  return typeof v === 'object' && v.tag === TAG_BLOCK ? (v as Block) : undefined;
}
