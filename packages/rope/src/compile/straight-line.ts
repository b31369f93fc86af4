// A sequence of compiled operations as one function of its own. In the loop of sequence.ts one
// call site calls every operation of every script: V8 sees it megamorphic and never inlines
// through it. Here each operation gets lines of its own: the steps of its closure written out
// where its shape is known (op-shapes.ts, emit-ops.ts), else a call that sees one closure. The
// generated text holds only numbers and parameter names (operations, sites, constants and the
// limit check come in as arguments), never script text.
//
// Blocks are called, not written in place: a function V8 optimises later the bigger it is
// (profiler ticks in proportion to its bytecode), and compiling it takes longer. With the blocks
// of `if`, `ifelse` and `expect_one` written in, the built-in scripts' main sequences grew to
// 40–90 KB of text; a warm pass was no faster and the cold one was slower (docs/performance.md).
import type { Op } from '../runtime/block.js';
import type { Machine } from '../runtime/machine.js';
import type { Site } from '../runtime/site.js';
import { CONTINUE, type Status } from '../runtime/verdict.js';
import { emitShape, type EmitContext } from './emit-ops.js';
import { shapeOf } from './op-shapes.js';

/** What a straight-line sequence calls when a cost takes a run past `$max_actions`. */
export type OverLimit = (m: Machine, site: Site) => Status;

class Writer implements EmitContext {
  readonly names: string[] = [];
  readonly values: unknown[] = [];
  private readonly bound = new Map<unknown, string>();

  constructor(private readonly overLimit: OverLimit) {}

  bind(value: unknown): string {
    let name = this.bound.get(value);
    if (name === undefined) {
      name = `p${this.names.length}`;
      this.bound.set(value, name);
      this.names.push(name);
      this.values.push(value);
    }
    return name;
  }

  /** The statements of a sequence; each operation that does not continue ends it. */
  sequence(ops: readonly Op[], sites: readonly Site[], costs: readonly number[]): string {
    const lines: string[] = [];
    for (let i = 0; i < ops.length; i++) {
      const cost = costs[i] | 0;
      if (cost !== 0) {
        const over = `${this.bind(this.overLimit)}(m, ${this.bind(sites[i])})`;
        lines.push(`if ((m.actions += ${cost}) > m.maxActions) return ${over};`);
      }
      const shape = shapeOf(ops[i]);
      if (shape !== undefined) lines.push(emitShape(this, shape));
      else lines.push(`s = ${this.bind(ops[i])}(m);`, `if (s !== ${CONTINUE}) return s;`);
    }
    return lines.join('\n');
  }
}

/**
 * The sequence's straight-line function, or null where code generation from strings is off
 * (`node --disallow-code-generation-from-strings`): the sequence then stays on its loop.
 */
export function straightLine(
  ops: readonly Op[],
  sites: readonly Site[],
  costs: readonly number[],
  overLimit: OverLimit,
): Op | null {
  const w = new Writer(overLimit);
  const body = w.sequence(ops, sites, costs);
  try {
    const make = new Function(
      ...w.names,
      `return function straight(m) {\nlet s;\n${body}\nreturn ${CONTINUE};\n};`,
    ) as (...values: unknown[]) => Op;
    return make(...w.values);
  } catch {
    return null;
  }
}
