// A sequence of compiled operations as one function of its own, an operation per line. In the
// loop of sequence.ts one call site calls every operation of every script: V8 sees it
// megamorphic and never inlines through it. Here each call site sees one closure, which V8 can
// inline into the sequence. The generated text holds only numbers and parameter names (the
// operations, their sites and the limit check come in as arguments), never script text.
import type { Op } from '../runtime/block.js';
import type { Machine } from '../runtime/machine.js';
import type { Site } from '../runtime/site.js';
import { CONTINUE, type Status } from '../runtime/verdict.js';

/** What a straight-line sequence calls when a cost takes a run past `$max_actions`. */
export type OverLimit = (m: Machine, site: Site) => Status;

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
  const lines: string[] = ['let s;'];
  for (let i = 0; i < ops.length; i++) {
    const cost = costs[i] | 0;
    if (cost !== 0)
      lines.push(`if ((m.actions += ${cost}) > m.maxActions) return overLimit(m, sites[${i}]);`);
    lines.push(`s = o${i}(m);`, `if (s !== ${CONTINUE}) return s;`);
  }
  lines.push(`return ${CONTINUE};`);
  const names = ops.map((_, i) => `o${i}`);
  let make: (overLimit: OverLimit, sites: readonly Site[], ...ops: Op[]) => Op;
  try {
    make = new Function(
      'overLimit',
      'sites',
      ...names,
      `return function straight(m) {\n${lines.join('\n')}\n};`,
    ) as typeof make;
  } catch {
    return null;
  }
  return make(overLimit, sites, ...ops);
}
