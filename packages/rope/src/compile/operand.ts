// What the compiler knows about a word's operand when it compiles the word: it is on the stack
// (computed at run time), a constant (a literal, a folded expression, a block), or the value of
// a register read at the moment the word runs (`$ip_ttl 64 eq`). Words specialise on the last
// two so literal operands cost nothing at run time.
import type { Block } from '../runtime/block.js';
import type { RegRef } from '../runtime/reg-ref.js';
import type { Site } from '../runtime/site.js';
import { TAG_BLOCK, type Value } from '../runtime/values.js';

export type Operand = { k: 'stack' } | { k: 'const'; v: Value } | { k: 'reg'; ref: RegRef };

export const STACK: Operand = { k: 'stack' };

/** What a word's `special` is given to build a faster closure (words/word.ts). */
export interface SpecialCtx {
  site: Site;
  /** The word's operands, top of stack last. Stack operands always come first. */
  operands: Operand[];
  /** The word that follows in the same sequence, for fusing (`expect_while drop`). */
  next: string | null;
  /** The special op also does what `next` would: the compiler skips it. */
  consumeNext(): void;
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
