// The flow registers (`freg`) of every flow, for the scripts that use them, by the flow's slot: a
// typed array of integers (what the registers hold almost always), and a side store holding the
// whole set as values only for the flows whose registers hold something else (a string). A run
// works on a scratch array: `load` before, `save` after. So a flow costs no object of its own, and
// a flood of new flows leaves no garbage behind.
import { FLOW_REGISTERS } from '../runtime/machine.js';
import type { Value } from '../runtime/values.js';

// what a set of registers holds
const FRESH = 0; // all 0: nothing stored yet
const INTEGERS = 1; // integers, in `ints`
const VALUES = 2; // anything, in `side`

export class RegisterStore {
  /** Per set (slot × sets + k), FLOW_REGISTERS integers. */
  private ints: Int32Array;
  /** Per set: FRESH, INTEGERS or VALUES. */
  private kind: Uint8Array;
  /** Sets holding a value other than an integer, by set number. */
  private readonly side = new Map<number, Value[]>();

  constructor(
    /** Register sets per flow: one per script that uses `freg`. */
    readonly sets: number,
    public capacity: number,
  ) {
    this.ints = new Int32Array(capacity * sets * FLOW_REGISTERS);
    this.kind = new Uint8Array(capacity * sets);
  }

  /** Sets held in the side store (flows whose registers hold strings). */
  get sideSets(): number {
    return this.side.size;
  }

  /** Fills `into` with set `k` of the flow in `slot`. */
  load(slot: number, k: number, into: Value[]): void {
    const e = slot * this.sets + k;
    const kind = this.kind[e];
    if (kind === FRESH) into.fill(0);
    else if (kind === INTEGERS) {
      const ints = this.ints;
      const base = e * FLOW_REGISTERS;
      for (let j = 0; j < FLOW_REGISTERS; j++) into[j] = ints[base + j];
    } else {
      const values = this.side.get(e)!;
      for (let j = 0; j < FLOW_REGISTERS; j++) into[j] = values[j];
    }
  }

  /** A copy of set `k` of the flow in `slot`; null when nothing is stored (or it was dropped). */
  read(slot: number, k: number): Value[] | null {
    if (this.kind[slot * this.sets + k] === FRESH) return null;
    const out = new Array<Value>(FLOW_REGISTERS);
    this.load(slot, k, out);
    return out;
  }

  /** Stores `from` (what a run left in the registers) as set `k` of the flow in `slot`. */
  save(slot: number, k: number, from: Value[]): void {
    const e = slot * this.sets + k;
    let integers = true;
    for (let j = 0; j < FLOW_REGISTERS; j++) {
      if (typeof from[j] !== 'number') {
        integers = false;
        break;
      }
    }
    if (integers) {
      const ints = this.ints;
      const base = e * FLOW_REGISTERS;
      // integers are int32 throughout the engine, so they fit exactly
      for (let j = 0; j < FLOW_REGISTERS; j++) ints[base + j] = from[j] as number;
      if (this.kind[e] === VALUES) this.side.delete(e);
      this.kind[e] = INTEGERS;
      return;
    }
    const values = this.side.get(e);
    if (values === undefined) this.side.set(e, from.slice(0, FLOW_REGISTERS));
    else for (let j = 0; j < FLOW_REGISTERS; j++) values[j] = from[j];
    this.kind[e] = VALUES;
  }

  /** Forgets set `k` of the flow in `slot` (its script is done with the flow). */
  drop(slot: number, k: number): void {
    const e = slot * this.sets + k;
    if (this.kind[e] === VALUES) this.side.delete(e);
    this.kind[e] = FRESH;
  }

  /** Forgets every set of the flow in `slot` (it left the table, or a new flow takes the slot). */
  clear(slot: number): void {
    for (let k = 0; k < this.sets; k++) this.drop(slot, k);
  }

  /** Moves the sets of slot `from` to slot `to`, which holds none (compaction). */
  move(from: number, to: number): void {
    for (let k = 0; k < this.sets; k++) {
      const a = from * this.sets + k;
      const b = to * this.sets + k;
      this.kind[b] = this.kind[a];
      this.kind[a] = FRESH;
      this.ints.copyWithin(b * FLOW_REGISTERS, a * FLOW_REGISTERS, (a + 1) * FLOW_REGISTERS);
      const values = this.side.get(a);
      if (values !== undefined) {
        this.side.delete(a);
        this.side.set(b, values);
      }
    }
  }

  /** New arrays for `capacity` slots, keeping slots below it. */
  resize(capacity: number): void {
    const keep = Math.min(capacity, this.capacity) * this.sets;
    const ints = new Int32Array(capacity * this.sets * FLOW_REGISTERS);
    ints.set(this.ints.subarray(0, keep * FLOW_REGISTERS));
    const kind = new Uint8Array(capacity * this.sets);
    kind.set(this.kind.subarray(0, keep));
    this.ints = ints;
    this.kind = kind;
    this.capacity = capacity;
  }
}
