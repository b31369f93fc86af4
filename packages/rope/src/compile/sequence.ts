// Runs a straight-line list of compiled operations: counts each one's verbs against
// $max_actions before it runs, reports it to the trace sink after, and stops at the first
// operation that ends the run. Literal pushes cost nothing; a fused operation costs the verbs
// it stands for, so counting does not depend on what the compiler fused.
import type { Machine } from '../runtime/machine.js';
import type { Site } from '../runtime/site.js';
import type { Op } from '../runtime/block.js';
import { CONTINUE, type Status } from '../runtime/verdict.js';
import { straightLine } from './straight-line.js';

/**
 * Runs of a sequence before it gets its straight-line function. Made and warmed too early, those
 * functions cost more than they save: V8 compiles each anew, and the run that switches pays for
 * it. At 10,000 runs the corpus's one cold pass (where the built-in scripts' main sequences run
 * ~14,000 times) took ~10 % longer. Since the straight-line functions write the shaped
 * operations out (emit-ops.ts), each is bigger and takes longer to compile: on one core, the
 * cold pass over the corpus replayed 10× took ~15 % less time at 100,000 than at 50,000, and a
 * warm pass the same. A live `rope run` passes it soon; from then on a warm pass takes ~17 %
 * less time than when these functions called each operation (docs/performance.md).
 */
export const HOT = 100_000;

let hotRuns = HOT;

/**
 * For tests that compare the two tiers: sequences made from now on switch to their
 * straight-line function after `runs` runs (0: from their first run; Infinity: never).
 * Returns the previous setting.
 */
export function setHotRuns(runs: number): number {
  const was = hotRuns;
  hotRuns = runs;
  return was;
}

function overLimit(m: Machine, site: Site): Status {
  return m.hot('ELimit', `more than ${m.maxActions} actions ($max_actions)`, site);
}

export function sequence(ops: readonly Op[], sites: readonly Site[], costs: readonly number[]): Op {
  const n = ops.length;
  if (n === 0) return () => CONTINUE;
  if (n === 1) {
    const op = ops[0];
    const site = sites[0];
    const cost = costs[0];
    return function single(m: Machine): Status {
      if (cost !== 0 && (m.actions += cost) > m.maxActions) return overLimit(m, site);
      const s = op(m);
      if (m.trace !== null && m.trace.step) m.trace.step(m, site, s);
      return s;
    };
  }
  const o = ops.slice();
  const si = sites.slice();
  const c = Int32Array.from(costs);
  const traced = (m: Machine): Status => {
    for (let i = 0; i < n; i++) {
      const cost = c[i];
      if (cost !== 0 && (m.actions += cost) > m.maxActions) return overLimit(m, si[i]);
      const s = o[i](m);
      if (m.trace !== null && m.trace.step) m.trace.step(m, si[i], s);
      if (s !== CONTINUE) return s;
    }
    return CONTINUE;
  };
  // Two tiers, as a JIT has: the loop below is one function for every sequence of every script,
  // so V8 optimises it after a few packets; a sequence run HOT times gets a straight-line
  // function of its own (straight-line.ts), slower to warm up but faster once optimised.
  // (`runs` goes on counting where no straight-line function can be made: it never reaches HOT
  // again, and the sequence stays on its loop)
  const hot = hotRuns;
  let runs = 0;
  let fast: Op | null = hot === 0 ? straightLine(o, si, costs, overLimit) : null;
  return function seq(m: Machine): Status {
    if (m.trace !== null) return traced(m);
    if (fast !== null) return fast(m);
    if (++runs === hot) fast = straightLine(o, si, costs, overLimit);
    for (let i = 0; i < n; i++) {
      const cost = c[i];
      if (cost !== 0 && (m.actions += cost) > m.maxActions) return overLimit(m, si[i]);
      const s = o[i](m);
      if (s !== CONTINUE) return s;
    }
    return CONTINUE;
  };
}
