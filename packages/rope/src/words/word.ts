// A word of the language as one record: its signature as the reference writes it (what the
// checker needs: operand and result kinds, anchor form), what the checker can decide about it
// before a packet is seen, and how the compiler turns it into a closure. One file per group
// (words/*.ts) holds its records; words/index.ts assembles the table in the reference's order.
import type { Abs, State } from '../check/abstract.js';
import type { BlockFollower } from '../check/control-flow.js';
import type { SpecialCtx } from '../compile/operand.js';
import type { DiagnosticCode } from '../diagnostic.js';
import type { Ty } from '../language/types.js';
import type { Op } from '../runtime/block.js';
import type { Machine } from '../runtime/machine.js';
import type { RegRef } from '../runtime/reg-ref.js';
import type { Site } from '../runtime/site.js';
import type { Status } from '../runtime/verdict.js';
import type { Span } from '../source.js';
import type { TableSpec } from '../tables/shared-table.js';

export type WordGroup =
  | 'registers'
  | 'control'
  | 'stack'
  | 'integers'
  | 'logic'
  | 'comparison'
  | 'strings'
  | 'classes'
  | 'packet'
  | 'conversion'
  | 'output'
  | 'time'
  | 'tables';

/** The signature of a word: what the language reference says about it (the public table). */
export interface WordSignature {
  name: string;
  group: WordGroup;
  /** Stack effect as the reference writes it. */
  effect: string;
  /** Operands, top of stack last. */
  in: Ty[];
  /** Results, top of stack last. */
  out: Ty[];
  /**
   * fixed: `word( … )` takes exactly `in.length` arguments; variadic: see `variadic`;
   * none: no anchor form; only: anchor form required.
   */
  anchor: 'fixed' | 'variadic' | 'none' | 'only';
  /** The anchor form's arguments: their kind and how many. */
  variadic?: { of: Ty; min: number; max?: number };
  /** Runs blocks or ends the run: the checker follows it with `follow` or `endsRun`. */
  control?: boolean;
  /** No side effects: may be evaluated at compile time on constant operands. */
  pure?: boolean;
  /** Not in the historical rope (an addition of this implementation). */
  addition?: boolean;
  summary: string;
}

/** A compile-time finding of a word's `check`; the checker reports it as an error. */
export interface WordProblem {
  code: DiagnosticCode;
  message: string;
  /** Where to point; default: the word. */
  at?: Span;
}

/** How the compiler builds a word's closure. */
export interface WordImpl {
  /** All operands on the stack; for variadic words `n` is their number. */
  op(site: Site, n: number): Op;
  /** Variadic words: operands counted at run time (an anchor call with dynamic contents). */
  runN?(m: Machine, site: Site, n: number): Status;
  /** A faster op for constant or register operands, or null to use `op`. */
  special?(ctx: SpecialCtx): Op | null;
}

export interface Word extends WordSignature {
  // --- what the checker asks (check/checker.ts) ---

  /**
   * Checks the operands as far as they are known statically (constants, the register a
   * reference names): a refused regular expression, a register that does not exist, a count
   * out of range. Called after the operand kinds were checked.
   */
  check?(
    ops: readonly Abs[],
    name: string,
    tables: ReadonlyMap<string, TableSpec>,
  ): readonly WordProblem[];
  /** The results when more is known than `out` says (dup keeps the kinds it copies …). */
  results?(ops: readonly Abs[], span: Span): Abs[];
  /** Words that run blocks: follows them in the stack they run on (check/control-flow.ts). */
  follow?(a: BlockFollower, st: State, ops: Abs[], span: Span, name: string): void;
  /**
   * yes, no, hotdrop: whether the run ends here. They look at their optional operand themselves,
   * so the checker does not pop operands for them. `given`: the anchor call's arguments.
   */
  endsRun?(st: State, given: readonly Abs[] | null): void;
  /** Writes the register its top operand names (put, inc, dec): the register is set. */
  writesRegister?: boolean;
  /** Sees the anchor (depth, dump): an anchor call around it is kept at run time. */
  seesAnchor?: boolean;
  /**
   * Asks how deep the stack is (depth): a script doing so at its top level is ready for values
   * it did not push (--push-*), so below this point underflow is left to run time.
   */
  readsDepth?: boolean;
  /** Uses the flow registers (freg): the script needs per-flow state. */
  usesFlowRegisters?: boolean;

  // --- what the compiler asks (compile/compiler.ts) ---

  /** `N word` on a constant N is the register `refs[N]` itself (reg, greg, freg). */
  refs?: readonly RegRef[];
  /** `{ word }` alone in a block is this byte-class test (lift_while scans without running it). */
  byteClass?: Uint8Array;
  /**
   * The bare form takes one operand when there is one (yes, no): the compiler gives it the
   * literal before it, else n = -1 and the closure looks at the stack at run time.
   */
  optionalOperand?: boolean;
  impl: WordImpl;
}

/** A record as written in a group's file: the group and the default anchor form are filled in. */
export type WordSpec = Omit<Word, 'group' | 'anchor'> & Partial<Pick<Word, 'anchor'>>;

/** The words of one group, anchor form `fixed` unless the record says otherwise. */
export function wordsOf(group: WordGroup, specs: readonly WordSpec[]): Word[] {
  return specs.map((s) => ({ ...s, group, anchor: s.anchor ?? 'fixed' }));
}

/** No problems: what a `check` returns when the operands are fine. */
export const NO_PROBLEMS: readonly WordProblem[] = [];

/** The operand count bounds of a word's anchor form. */
export function anchorArity(w: WordSignature): { min: number; max: number } {
  if (w.variadic) return { min: w.variadic.min, max: w.variadic.max ?? Infinity };
  return { min: w.in.length, max: w.in.length };
}
