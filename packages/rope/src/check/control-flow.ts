// How the checker follows the words that run blocks or end the run. Each is the `follow` or
// `endsRun` hook of its word's record (words/control.ts, words/control-verdicts.ts,
// words/packet-scan.ts): literal blocks are followed inline, in the stack they will run on; a
// block that is not a literal makes the depth unknown from there on.
import type { BlockNode } from '../ast.js';
import type { DiagnosticCode } from '../diagnostic.js';
import type { Span } from '../source.js';
import {
  assign,
  constTruth,
  copyState,
  effect,
  joinStates,
  lose,
  type Abs,
  type State,
} from './abstract.js';

/** What a `follow` hook may ask of the checker. */
export interface BlockFollower {
  /** Follows a literal block in `st`, the stack it runs on. */
  inline(b: BlockNode, st: State): void;
  /** Takes `n` operands off `st`, reporting an underflow as `verb`'s. */
  pop(st: State, n: number, verb: string, span: Span): Abs[];
  error(span: Span, code: DiagnosticCode, message: string): void;
}

export type Follow = (a: BlockFollower, st: State, ops: Abs[], span: Span, name: string) => void;

function blockOf(a: Abs | undefined): BlockNode | undefined {
  return a && a.t === 'block' ? a.block : undefined;
}

/** do: the block runs once, here. */
export const followDo: Follow = (a, st, ops) => {
  const b = blockOf(ops[0]);
  if (b) a.inline(b, st);
  else lose(st);
};

/** if (invert: unless): the block may run; a constant condition decides which path is taken. */
export function followIf(invert: boolean): Follow {
  return (a, st, ops) => {
    const b = blockOf(ops[1]);
    if (!b) return lose(st);
    const after = copyState(st);
    a.inline(b, after);
    const truth = constTruth(ops[0]);
    const runs = truth === null ? null : truth !== invert;
    if (runs === true) assign(st, after);
    else if (runs === null) assign(st, joinStates(st, after));
  };
}

export const followIfelse: Follow = (a, st, ops) => {
  const yes = blockOf(ops[1]);
  const no = blockOf(ops[2]);
  if (!yes || !no) return lose(st);
  const y = copyState(st);
  a.inline(yes, y);
  const n = copyState(st);
  a.inline(no, n);
  const truth = constTruth(ops[0]);
  assign(st, truth === true ? y : truth === false ? n : joinStates(y, n));
};

/** repeat: the depth stays known only if the body leaves it unchanged. */
export const followRepeat: Follow = (a, st, ops) => {
  const b = blockOf(ops[1]);
  if (!b) return lose(st);
  const after = copyState(st);
  a.inline(b, after);
  if (ops[0].c === 0) return;
  if (after.ended && typeof ops[0].c === 'number' && ops[0].c > 0) {
    st.ended = true;
    return;
  }
  if (effect(st, after) === 0) assign(st, joinStates(st, after));
  else lose(st);
};

/** while, until: the condition block must leave a value to test. */
export const followLoop: Follow = (a, st, ops, span, name) => {
  const cond = blockOf(ops[0]);
  const body = blockOf(ops[1]);
  if (!cond || !body) return lose(st);
  const c = copyState(st);
  a.inline(cond, c);
  if (c.ended) return assign(st, c);
  const e = effect(st, c);
  if (e !== null && e < 1) {
    a.error(
      span,
      'block-effect',
      `the condition block of \`${name}\` must leave a value to test; it changes the depth by ${e}`,
    );
    return lose(st);
  }
  a.pop(c, 1, name, span);
  const b = copyState(c);
  a.inline(body, b);
  // the loop ends after a condition: in the state the condition left, if every iteration
  // brings the stack back to where the loop started
  if (b.ended || effect(st, b) === 0) assign(st, c);
  else lose(st);
};

/** eval: the block's ending becomes a value; what it leaves is kept only when it ran through. */
export const followEval: Follow = (a, st, ops, span) => {
  const b = blockOf(ops[0]);
  if (!b) return lose(st);
  const after = copyState(st);
  a.inline(b, after);
  if (effect(st, after) !== 0 && !after.ended) lose(st);
  st.items.push({ t: 'int', from: span });
};

/** expect_one: every block is a possible path; they must agree on the depth. */
export const followExpectOne: Follow = (a, st, ops) => {
  const blocks = ops.map(blockOf);
  if (blocks.some((b) => !b)) return lose(st);
  let joined: State | null = null;
  for (const b of blocks) {
    const after = copyState(st);
    a.inline(b!, after);
    if (effect(st, after) !== 0 && !after.ended) {
      lose(st);
      return;
    }
    joined = joined ? joinStates(joined, after) : after;
  }
  if (joined && !joined.ended) assign(st, joinStates(st, joined));
};

/** lift_while, expect_while: the block gets each byte and must leave one value in its place. */
export const followByteScan: Follow = (a, st, ops, span, name) => {
  const b = blockOf(ops[0]);
  if (b) {
    const withByte = copyState(st);
    withByte.items.push({ t: 'str' });
    const after = copyState(withByte);
    a.inline(b, after);
    const e = effect(withByte, after);
    if (e !== null && e !== 0 && !after.ended) {
      a.error(
        span,
        'block-effect',
        `the block of \`${name}\` gets each byte as a 1-byte string and must leave one value in its place; it changes the depth by ${e > 0 ? '+' : ''}${e}`,
      );
    }
  }
  st.items.push({ t: 'str', from: span });
};

/** assert: a constant false ends the run here. */
export const followAssert: Follow = (_a, st, ops) => {
  if (constTruth(ops[0]) === false) st.ended = true;
};

/** yes, no: end with no operand, or with one that is true. */
export function endsIfTrue(st: State, given: readonly Abs[] | null): void {
  if (given !== null) {
    if (given.length === 0 || constTruth(given[0]) === true) st.ended = true;
    return;
  }
  if (st.items.length > 0) {
    if (constTruth(st.items.pop()!) === true) st.ended = true;
  } else if (st.known && st.exact) {
    st.ended = true;
  } else lose(st);
}

/** hotdrop: always ends the run (its operands are only the message). */
export function endsAlways(st: State): void {
  st.ended = true;
}
