// The tree of a pattern → a Thompson NFA: an array of instructions the matcher walks as a set of
// positions, so no input can make it try the same position twice. Counted repetition is
// unrolled (`x{2,4}` is xx(x(x)?)?), which is why the program size is capped: the matcher's
// worst case per input byte is proportional to it.
import { RegexRefused, type Assertion, type RegexNode } from './syntax.js';

/** Consume one symbol of set `a`, go to `b`. */
export const OP_CHAR = 0;
/** Go to both `a` and `b`. */
export const OP_SPLIT = 1;
/** Go to `b` when assertion `a` holds here. */
export const OP_ASSERT = 2;
export const OP_MATCH = 3;

export const ASSERT_BOL = 0;
export const ASSERT_EOL = 1;
export const ASSERT_WORD = 2;
export const ASSERT_NOT_WORD = 3;

const ASSERT_CODES: Record<Assertion, number> = {
  bol: ASSERT_BOL,
  eol: ASSERT_EOL,
  word: ASSERT_WORD,
  'not-word': ASSERT_NOT_WORD,
};

/** Instructions a pattern may compile to. */
export const MAX_INSTRUCTIONS = 10_000;

export interface Program {
  op: Uint8Array;
  a: Int32Array;
  b: Int32Array;
  /** CHAR sets, each a table over SYMBOLS (1 = matches). */
  sets: Uint8Array[];
  start: number;
  /** Every match starts at offset 0 (the pattern begins with `^` in every alternative). */
  anchored: boolean;
  /** A literal every match begins with ('' when there is none or case is ignored). */
  prefix: string;
}

class Builder {
  readonly op: number[] = [];
  readonly a: number[] = [];
  readonly b: number[] = [];
  readonly sets: Uint8Array[] = [];
  private readonly setIndex = new Map<string, number>();
  /** The same table again (CharSet.resolve keeps its tables): found without building a key. */
  private readonly setByTable = new Map<Uint8Array, number>();

  constructor(private readonly ignoreCase: boolean) {}

  emit(op: number, a: number, b: number): number {
    if (this.op.length >= MAX_INSTRUCTIONS)
      throw new RegexRefused(
        `the pattern is too large (over ${MAX_INSTRUCTIONS} states once counted repetitions are unrolled); use smaller counts`,
      );
    this.op.push(op);
    this.a.push(a);
    this.b.push(b);
    return this.op.length - 1;
  }

  set(table: Uint8Array): number {
    let i = this.setByTable.get(table);
    if (i !== undefined) return i;
    const key = Buffer.from(table.buffer, table.byteOffset, table.byteLength).toString('latin1');
    i = this.setIndex.get(key);
    if (i === undefined) {
      i = this.sets.length;
      this.sets.push(table);
      this.setIndex.set(key, i);
    }
    this.setByTable.set(table, i);
    return i;
  }

  /** Instructions for `node` that continue at `next`; returns their entry. */
  node(node: RegexNode, next: number): number {
    switch (node.k) {
      case 'char':
        return this.emit(OP_CHAR, this.set(node.set.resolve(this.ignoreCase)), next);
      case 'assert':
        return this.emit(OP_ASSERT, ASSERT_CODES[node.a], next);
      case 'cat': {
        let at = next;
        for (let i = node.items.length - 1; i >= 0; i--) at = this.node(node.items[i], at);
        return at;
      }
      case 'alt': {
        const entries = node.items.map((item) => this.node(item, next));
        let at = entries[entries.length - 1];
        for (let i = entries.length - 2; i >= 0; i--) at = this.emit(OP_SPLIT, entries[i], at);
        return at;
      }
      case 'repeat': {
        let at = next;
        if (node.max === Infinity) {
          const loop = this.emit(OP_SPLIT, -1, next);
          this.a[loop] = this.node(node.node, loop);
          at = loop;
        } else {
          for (let i = node.min; i < node.max; i++)
            at = this.emit(OP_SPLIT, this.node(node.node, at), next);
        }
        for (let i = 0; i < node.min; i++) at = this.node(node.node, at);
        return at;
      }
    }
  }
}

function anchoredAtStart(node: RegexNode): boolean {
  switch (node.k) {
    case 'char':
      return false;
    case 'assert':
      return node.a === 'bol';
    case 'cat':
      for (const item of node.items) {
        if (anchoredAtStart(item)) return true;
        if (item.k !== 'assert') return false;
      }
      return false;
    case 'alt':
      return node.items.every(anchoredAtStart);
    case 'repeat':
      return node.min > 0 && anchoredAtStart(node.node);
  }
}

function literalPrefix(node: RegexNode): string {
  const items = node.k === 'cat' ? node.items : [node];
  let out = '';
  for (const item of items) {
    const unit = item.k === 'char' ? item.set.single() : null;
    if (unit === null || unit > 0xff) break;
    out += String.fromCharCode(unit);
  }
  return out;
}

export function buildProgram(tree: RegexNode, ignoreCase: boolean): Program {
  const b = new Builder(ignoreCase);
  const match = b.emit(OP_MATCH, 0, 0);
  const start = b.node(tree, match);
  const anchored = anchoredAtStart(tree);
  return {
    op: Uint8Array.from(b.op),
    a: Int32Array.from(b.a),
    b: Int32Array.from(b.b),
    sets: b.sets,
    start,
    anchored,
    prefix: anchored || ignoreCase ? '' : literalPrefix(tree),
  };
}
