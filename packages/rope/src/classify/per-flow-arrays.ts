// The classifier's per-flow arrays, indexed by the flow's slot in its table: the labels with why
// each matched (flow-labels.ts), the scripts' `freg` registers (flow-registers.ts) and, when a
// script declares tables, the late runs' times (late-runs.ts); and how much room they keep.
// They start with room for a few flows (a capture of a handful of flows, of which the corpus has
// hundreds, pays for no more), double as the table fills, and shrink back (on the classifier's
// `expire`, not below MIN_CAPACITY) once the table holds under a quarter of their room. With the
// flow table's `reserve` (a live engine) they start with room for that many flows and never
// shrink below it: doubling copies every array, a pause of milliseconds to tens of milliseconds
// in the middle of a flood, while pages of the reserve no flow has used yet cost address space,
// not memory.
import type { FlowTable } from '@p2pwall/core/flow';
import { LabelStore } from './flow-labels.js';
import { RegisterStore } from './flow-registers.js';
import { LateRunStore } from './late-runs.js';

const INITIAL_CAPACITY = 64;
const MIN_CAPACITY = 1024;

export class PerFlowArrays {
  readonly labels: LabelStore;
  readonly registers: RegisterStore;
  /** Null when no script declares a table (no late runs). */
  readonly late: LateRunStore | null;
  /** The arrays never shrink below this many slots (MIN_CAPACITY or the reserve). */
  private readonly minCapacity: number;
  /** Nor grow beyond the table's maximum. */
  private readonly maxFlows: number;

  /**
   * Arrays for `scripts` scripts, of which `registerSets` use `freg`, for a table of at most
   * `maxFlows` flows that reserves room for `reserve`.
   */
  constructor(
    scripts: number,
    registerSets: number,
    lateRuns: boolean,
    maxFlows: number,
    reserve: number,
  ) {
    this.maxFlows = maxFlows;
    const reserved = Math.min(reserve, maxFlows);
    this.minCapacity = Math.max(MIN_CAPACITY, reserved);
    const capacity = Math.max(Math.min(INITIAL_CAPACITY, maxFlows), reserved);
    this.labels = new LabelStore(scripts, capacity);
    this.registers = new RegisterStore(registerSets, capacity);
    this.late = lateRuns ? new LateRunStore(capacity) : null;
  }

  /** Flows the arrays have room for. */
  get capacity(): number {
    return this.labels.capacity;
  }

  /** Room for the flow in `slot`: the arrays double (up to the table's maximum). */
  grow(slot: number): void {
    let room = this.labels.capacity * 2;
    while (room <= slot) room *= 2;
    this.resize(Math.min(room, this.maxFlows));
  }

  /**
   * When `table` holds under a quarter of the arrays' room (after a flood), packs its live flows
   * into the lowest slots and shrinks the arrays to twice what they hold (not below the minimum):
   * O(live flows), for a timer, never for a packet.
   */
  shrinkAfterFlood(table: FlowTable): void {
    const capacity = this.labels.capacity;
    if (capacity <= this.minCapacity || table.size >= capacity / 4) return;
    const { labels, registers, late } = this;
    table.compactSlots((_f, from, to) => {
      labels.move(from, to);
      registers.move(from, to);
      late?.move(from, to);
    });
    let room = MIN_CAPACITY;
    while (room < 2 * table.size) room *= 2;
    this.resize(Math.max(room, this.minCapacity));
  }

  private resize(room: number): void {
    this.labels.resize(room);
    this.registers.resize(room);
    this.late?.resize(room);
  }
}
