// What the classifier found for one packet: its flow and direction, the flow's labels, each
// script's verdict, and what the packet's verdict must take into account (HOTDROP, `$mark`).
import type { Flow } from '@p2pwall/core/flow';
import type { FlowLabels } from './flow-labels.js';

/** `PacketResult.verdicts[i]` when script i did not run on the packet. */
export const NOT_RUN = -1;

/** What `classify` found for one packet. One object per classifier, overwritten every packet. */
export class PacketResult {
  /** The packet's flow; null when the packet has no IP header (then nothing ran). */
  flow: Flow | null = null;
  /** 0 when the packet goes from the flow's initiator (a → b), 1 for the reply direction. */
  dir = 0;
  /**
   * The flow's labels (script i matched on this packet or earlier: `labels.has(i)`). A view,
   * moved to the next packet's flow by the next `classify`.
   */
  readonly labels: FlowLabels;
  /** Labels the flow gained on this packet. */
  newLabels = 0;
  /** Per script: its verdict on this packet, or NOT_RUN. */
  readonly verdicts: Int8Array;
  /** Scripts that ran on this packet. */
  ran = 0;
  /** A script ended with HOTDROP on this packet: drop it whatever the rules say. */
  hotdrop = false;
  /** `$mark` after the scripts that ran (each starts from the mark the previous one left). */
  mark = 0;

  constructor(scripts: number, labels: FlowLabels) {
    this.verdicts = new Int8Array(scripts).fill(NOT_RUN);
    this.labels = labels;
  }

  /** Script `i` has labelled the packet's flow (now or earlier). */
  has(i: number): boolean {
    return this.labels.has(i);
  }
}
