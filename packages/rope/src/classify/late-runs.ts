// Flows labelled after their window: a script that declares tables can learn an endpoint after
// the flows to it have passed their window (a capture starting mid-swarm: the uTP flow proves a
// peer after the TCP connections to it have shown their first packets). So the classifier runs
// such a script once more on a flow past its window when a table has gained a key since the
// script last ran on the flow: on the flow's next packet from a direction past its window (both,
// once the scripts have given up), with `$past_window` 1 and fresh `freg` registers (a late run
// judges what the tables know, not the flow's first packets).
//
// What it costs is bounded: a table's generation moves only when a key becomes alive (a renewal
// does not count), a flow whose scripts have all matched, or that runs no script with tables,
// pays one comparison per packet, and a flow gets at most one late run per LATE_RUN_INTERVAL
// seconds of packet time however fast keys are learned — the packet after the interval runs.
//
// Per flow, by slot: the generation its scripts last saw and the time of its last late run, in
// typed arrays as the labels are (see flow-labels.ts). A slot's values are set by `open` when a
// flow takes it, so new arrays are left as the allocator gives them (zeros): filling a live
// engine's reserve of 262,144 slots with -Infinity and NaN touched 4 MiB at start for nothing.

/** Seconds (packet time) a flow waits after a late run before the next one. */
export const LATE_RUN_INTERVAL = 1;

export class LateRunStore {
  /** Per slot: the tables' generation when the flow's scripts last ran. */
  generation: Float64Array;
  /** Per slot: packet time of the flow's last late run; -Infinity when it had none. */
  lastRun: Float64Array;
  /**
   * Per slot: the tables' generation when the scripts' last run in the window began; NaN before
   * the first. While it stays the generation, no key became alive since, so a key the scripts
   * found missing then is missing still (`$tables_grew` reads 0).
   */
  looked: Float64Array;

  constructor(public capacity: number) {
    this.generation = new Float64Array(capacity);
    this.lastRun = new Float64Array(capacity);
    this.looked = new Float64Array(capacity);
  }

  /** A new flow took the slot: it has seen the tables as they are. */
  open(slot: number, generation: number): void {
    this.generation[slot] = generation;
    this.lastRun[slot] = -Infinity;
    this.looked[slot] = NaN;
  }

  /**
   * Whether the flow in `slot` is due a late run at `time` with the tables at `generation`.
   * When the interval holds it back, the flow stays due and a later packet runs.
   */
  due(slot: number, generation: number, time: number): boolean {
    return this.generation[slot] !== generation && time - this.lastRun[slot] >= LATE_RUN_INTERVAL;
  }

  /** Copies slot `from` to slot `to` (compaction). */
  move(from: number, to: number): void {
    this.generation[to] = this.generation[from];
    this.lastRun[to] = this.lastRun[from];
    this.looked[to] = this.looked[from];
  }

  /** New arrays for `capacity` slots, keeping slots below it. */
  resize(capacity: number): void {
    const keep = Math.min(capacity, this.capacity);
    const generation = new Float64Array(capacity);
    generation.set(this.generation.subarray(0, keep));
    const lastRun = new Float64Array(capacity);
    lastRun.set(this.lastRun.subarray(0, keep));
    this.generation = generation;
    this.lastRun = lastRun;
    const looked = new Float64Array(capacity);
    looked.set(this.looked.subarray(0, keep));
    this.looked = looked;
    this.capacity = capacity;
  }
}
