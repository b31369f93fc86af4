// Runs a straight-line list of compiled operations: counts each one's verbs against
// $max_actions before it runs, reports it to the trace sink after, and stops at the first
// operation that ends the run. Literal pushes cost nothing; a fused operation costs the verbs
// it stands for, so counting does not depend on what the compiler fused.
import type { Machine } from '../runtime/machine.js';
import type { Site } from '../runtime/site.js';
import type { Op } from '../runtime/block.js';
import { CONTINUE, type Status } from '../runtime/verdict.js';

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
  return function seq(m: Machine): Status {
    if (m.trace !== null) return traced(m);
    for (let i = 0; i < n; i++) {
      const cost = c[i];
      if (cost !== 0 && (m.actions += cost) > m.maxActions) return overLimit(m, si[i]);
      const s = o[i](m);
      if (s !== CONTINUE) return s;
    }
    return CONTINUE;
  };
}
