// The main thread's part of rope run's enforcement counters, added to the queue threads' sum:
// locks and blocks as the enforcer counted them, --exec's commands, the cuts' RSTs its raw socket
// could not send, and the locked clients and blocked peers read from the enforcer's tables at
// this moment (nothing is kept twice).
import type { Enforcer } from './enforcer.js';
import type { ExecHook } from './exec/exec-hook.js';
import type { LiveSnapshot } from './stats.js';

/** `s` (summed over the queue threads) with the main thread's counters in it. */
export function withEnforcement(
  s: LiveSnapshot,
  enforcer: Enforcer,
  exec: ExecHook | null,
  rst: { sendErrors: number } | null = null,
): LiveSnapshot {
  const e = s.enforcement;
  return {
    ...s,
    enforcement: {
      ...e,
      ...enforcer.census(),
      locks: { ...enforcer.locks },
      blocks: { ...enforcer.blocks },
      cuts: { ...e.cuts, sendErrors: e.cuts.sendErrors + (rst?.sendErrors ?? 0) },
      exec: exec
        ? {
            lock: { ...exec.byKind.lock },
            block: { ...exec.byKind.block },
            cut: { ...exec.byKind.cut },
          }
        : e.exec,
    },
  };
}
