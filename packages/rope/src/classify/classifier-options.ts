// What a FlowClassifier is made of: its scripts (each with its pre-pushed values and label) and
// its options (window, flow table limits, and the callbacks that report labels, errors and the
// end of each flow).
import type { Flow, FlowRemoveReason, FlowTableOptions } from '@p2pwall/core/flow';
import type { Caps } from '../runtime/caps.js';
import type { Engine } from '../runtime/engine.js';
import type { RunError } from '../runtime/run-error.js';
import type { Script } from '../runtime/script.js';
import type { Value } from '../runtime/values.js';
import type { Verdict } from '../runtime/verdict.js';
import type { FlowLabels } from './flow-labels.js';

/** One script of the classifier. */
export interface ClassifierRule {
  script: Script;
  /** Values pre-pushed for every run of this script (`--push-int` …), bottom first. */
  pushes?: readonly Value[];
  /** The label a matching flow gets; default the script's name. */
  label?: string;
}

export interface FlowClassifierOptions {
  /** Payload-carrying packets of each direction each script sees (default 10, at least 1). */
  window?: number;
  /**
   * Also run scripts on packets without payload (SYN, bare ACK) while their direction's window is
   * open, for scripts that judge headers alone. Default false: such packets reach no script.
   */
  emptyPackets?: boolean;
  /** The engine the scripts run in (its `greg` registers are shared by all scripts). */
  engine?: Engine;
  /** Caps of the engine made when `engine` is not given. */
  caps?: Partial<Caps>;
  /** Flow table limits and idle timeouts. */
  flows?: Omit<FlowTableOptions, 'onRemove'>;
  /**
   * A flow got script `i`'s label; called during `classify`, before it returns. `labels` is the
   * result's view, valid until the next packet.
   */
  onLabel?: (flow: Flow, i: number, labels: FlowLabels) => void;
  /**
   * A run of script `i` ended with FAIL or HOTDROP (the packet is `result`'s); called during
   * `classify`. The same counts are in `stats`.
   */
  onRunError?: (i: number, verdict: Verdict, error: RunError, flow: Flow) => void;
  /**
   * A flow left the table (idle, evicted, reused by a new connection, or `drain()`): the last
   * moment its labels can be read (`labels` is valid during the call only).
   */
  onFlowEnd?: (flow: Flow, labels: FlowLabels, reason: FlowRemoveReason) => void;
}
