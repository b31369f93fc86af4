// What the classifier remembers about one flow: per script, whether it is still looking, matched
// (the flow carries its label from then on) or gave up (the window closed without a YES), and the
// script's flow registers (`freg`). One object per flow, made when the flow is created; nothing is
// allocated for later packets.
import type { Value } from '../runtime/values.js';

/** The script still runs on the flow's packets that fall in the window. */
export const LABEL_PENDING = 0;
/** The script said YES on a packet of the flow: the flow has its label for good. */
export const LABEL_MATCHED = 1;
/** Both directions went past the window without a YES: the script no longer runs on the flow. */
export const LABEL_UNMATCHED = 2;

export type LabelState = typeof LABEL_PENDING | typeof LABEL_MATCHED | typeof LABEL_UNMATCHED;

export class FlowLabels {
  // plain arrays of small integers, not typed arrays: a typed array and its buffer cost some
  // 150 bytes each in V8, and a firewall holds hundreds of thousands of these objects
  /** Per script: LABEL_PENDING, LABEL_MATCHED or LABEL_UNMATCHED. */
  readonly state: number[];
  /** Per script: the flow's packet number (1-based, both directions) of the YES; 0 if none. */
  readonly matchedAt: number[];
  /** Per script: its flow registers, made on first use (only scripts that use `freg`). */
  readonly registers: (Value[] | null)[];
  /** How many scripts matched. */
  labelCount = 0;
  /** How many scripts are still pending (0: the classifier skips the flow). */
  pending: number;

  constructor(scripts: number) {
    this.state = new Array<number>(scripts).fill(LABEL_PENDING);
    this.matchedAt = new Array<number>(scripts).fill(0);
    this.registers = new Array<Value[] | null>(scripts).fill(null);
    this.pending = scripts;
  }

  /** Script `i` labelled the flow. */
  has(i: number): boolean {
    return this.state[i] === LABEL_MATCHED;
  }
}
