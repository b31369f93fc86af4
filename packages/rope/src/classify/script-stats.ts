// Counters of one script of a classifier across all flows: runs by verdict, flows labelled, flows
// given up with `never`, the latest error.
import type { RunError } from '../runtime/run-error.js';

const FLOWS = 0;
const NEVER_FLOWS = 1;

/** Counters of one script across all flows. */
export class ScriptStats {
  /** Runs per verdict, indexed by Verdict (FAIL 0, OKAY 1, YES 2, NO 3, HOTDROP 4). */
  readonly verdicts = new Float64Array(5);
  /**
   * The flow counts, in a typed array as the verdicts are: V8 treats an object's number field
   * that has never changed as a constant, and the first change — the first flow labelled, often
   * well into a capture — made it throw away the classifier's optimised code.
   */
  private readonly counts = new Float64Array(2);
  /** The error of the latest FAIL or HOTDROP. */
  lastError: RunError | null = null;

  /** Flows labelled (equals verdicts[YES]: a flow says YES at most once per script). */
  get flows(): number {
    return this.counts[FLOWS];
  }

  /** Flows the script gave up on with `never` (it ran on none of their later packets). */
  get neverFlows(): number {
    return this.counts[NEVER_FLOWS];
  }

  /** A flow took the script's label. */
  labelled(): void {
    this.counts[FLOWS]++;
  }

  /** The script said `never` on a flow. */
  gaveUp(): void {
    this.counts[NEVER_FLOWS]++;
  }

  get runs(): number {
    let n = 0;
    for (const v of this.verdicts) n += v;
    return n;
  }
}
