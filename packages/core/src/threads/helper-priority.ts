// The main thread first. A batch command such as `rope classify` does all of its work on one
// thread, while V8 keeps a pool of helper threads (four in Node 20, whatever the machine) that
// compile hot functions and collect garbage beside it. On a machine with few cores the helpers
// take turns on the main thread's core: with two vCPUs, five runnable threads get ~40 % each.
// Lowering the helpers' scheduling priority (nice) lets the main thread keep its core while the
// helpers still use any core it leaves: on the 2-core benchmark machine the corpus took 0.58 s
// instead of 0.64 s (median of 8), the corpus replayed 10× 1.58 s instead of 1.60 s
// (docs/performance.md). A moderate step, not the lowest priority: on a single core the helpers
// then still get about a tenth of the time, where at nice 19 a large capture's compiles starved
// and it took 3.2-5.4 s instead of 2.1-2.4 s.
//
// Linux only: there nice is per thread, `setpriority(PRIO_PROCESS, tid)` (os.setPriority) changes
// one thread, and a thread or process created later inherits its creator's value, so the main
// thread's workers and children keep the main thread's priority. Raising nice needs no privilege.
import { readdirSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';
import { isMainThread } from 'node:worker_threads';

/** How much nicer than before the helper threads become (P2PWALL_HELPER_NICE overrides). */
export const DEFAULT_HELPER_NICE_STEP = 10;
/** The lowest priority Linux has. */
const NICEST = 19;

/**
 * The step P2PWALL_HELPER_NICE asks for: a whole number 0–19; unset or empty, the default.
 * Anything else throws a RangeError whose message names the variable and what it takes, for the
 * command to print as its one-line usage error (as rope's other P2PWALL_* settings do).
 */
export function helperNiceStep(env: NodeJS.ProcessEnv = process.env): number {
  const text = env.P2PWALL_HELPER_NICE;
  if (text === undefined || text === '') return DEFAULT_HELPER_NICE_STEP;
  if (!/^\d+$/.test(text) || Number(text) > NICEST)
    throw new RangeError(
      `P2PWALL_HELPER_NICE: '${text}' is not a whole number of nice steps in 0..${NICEST}`,
    );
  return Number(text);
}

/**
 * Makes every thread of this process but the main one `step` nicer (at most 19), once, from the
 * main thread. Returns how many threads changed; 0 off Linux, in a worker, or with step 0. A
 * thread that ends meanwhile or refuses is skipped: this is a preference, never an error.
 */
export function deferHelperThreads(step: number): number {
  if (process.platform !== 'linux' || !isMainThread || step <= 0) return 0;
  let tids: string[];
  try {
    tids = readdirSync('/proc/self/task');
  } catch {
    return 0;
  }
  let changed = 0;
  for (const t of tids) {
    const tid = Number(t);
    if (!Number.isInteger(tid) || tid === process.pid) continue;
    try {
      const now = getPriority(tid);
      const nicer = Math.min(NICEST, now + step);
      if (nicer === now) continue;
      setPriority(tid, nicer);
      changed++;
    } catch {
      // the thread ended, or the system refused: leave it
    }
  }
  return changed;
}
