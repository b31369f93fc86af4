// Counters of one script of a classifier across all flows: runs by verdict, flows labelled, the
// latest error.
import type { RunError } from '../runtime/run-error.js';

/** Counters of one script across all flows. */
export class ScriptStats {
  /** Runs per verdict, indexed by Verdict (FAIL 0, OKAY 1, YES 2, NO 3, HOTDROP 4). */
  readonly verdicts = new Float64Array(5);
  /** Flows labelled (equals verdicts[YES]: a flow says YES at most once per script). */
  flows = 0;
  /** Flows the script gave up on with `never` (it ran on none of their later packets). */
  neverFlows = 0;
  /** The error of the latest FAIL or HOTDROP. */
  lastError: RunError | null = null;

  get runs(): number {
    let n = 0;
    for (const v of this.verdicts) n += v;
    return n;
  }
}
