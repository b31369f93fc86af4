// The flow registers (`freg`) of every flow, for the scripts that use them, by the flow's slot:
// pages of integers (what the registers hold almost always), and a side store holding the whole
// set as values only for the flows whose registers hold something else (a string). A run works on
// a scratch array: `load` before, `save` after. So a flow costs no object of its own, and a flood
// of new flows leaves no garbage behind. The integers live in fixed pages rather than one array:
// they are 64 bytes per set, the largest per-flow state, and growing one array would copy all of
// it at every doubling of the table (a capture with ~65,000 flows alive at once copied ~33 MB per
// pass, 2 % of its time); a new page costs no copy. Pages come when a save first needs them, not
// with the room: a live engine reserves room for 262,144 flows, and allocating their 16 MiB up
// front cost its start ~5-50 ms for flows that may never come. The first page is as small as the
// sets saved so far (a capture of a few flows should not pay for 256 KiB: over the corpus's 278
// small files that cost ~15 % of a pass) and grows by copying until it reaches the full size.
import { FLOW_REGISTERS } from '../runtime/machine.js';
import type { Value } from '../runtime/values.js';

// what a set of registers holds
const FRESH = 0; // all 0: nothing stored yet
const INTEGERS = 1; // integers, in the pages
const VALUES = 2; // anything, in `side`

/** Register sets per page of integers (256 KiB) once the store has grown that far. */
const PAGE_SETS = 4096;

export class RegisterStore {
  /**
   * Per set e (slot × sets + k): FLOW_REGISTERS integers, in page e / pageSets from
   * (e % pageSets) × FLOW_REGISTERS. While `pageSets` is below the full size there is one page.
   */
  private pages: Int32Array[] = [];
  /** Per set: FRESH, INTEGERS or VALUES. */
  private kind: Uint8Array;
  /** Sets held in the side store, by set number: those holding a value other than an integer. */
  private readonly side = new Map<number, Value[]>();
  private pageShift = 0;
  private pageMask = 0;

  constructor(
    /** Register sets per flow: one per script that uses `freg`. */
    readonly sets: number,
    public capacity: number,
    /** Sets per full page of integers, a power of two (smaller in tests, to cross pages). */
    private readonly pageSets = PAGE_SETS,
  ) {
    if (!Number.isInteger(Math.log2(pageSets))) throw new RangeError('pageSets: a power of two');
    this.kind = new Uint8Array(capacity * sets);
  }

  /**
   * Pages enough for `n` sets (never fewer than there are): the one small page replaced by a
   * larger copy while it is below the full size, then full pages added. It may change
   * `pageShift`: callers find pages after it.
   */
  private room(n: number): void {
    const size = this.pageMask + 1;
    if (this.pages.length <= 1 && size < this.pageSets && n > size) {
      let sets = 1;
      while (sets < n && sets < this.pageSets) sets *= 2;
      const page = new Int32Array(sets * FLOW_REGISTERS);
      if (this.pages.length === 1) page.set(this.pages[0]);
      this.pages = [page];
      this.pageShift = Math.log2(sets);
      this.pageMask = sets - 1;
    }
    const full = (this.pageMask + 1) * FLOW_REGISTERS;
    while (this.pages.length << this.pageShift < n) this.pages.push(new Int32Array(full));
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
      const ints = this.pages[e >>> this.pageShift];
      const base = (e & this.pageMask) * FLOW_REGISTERS;
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
      if (e >>> this.pageShift >= this.pages.length) this.room(e + 1);
      const ints = this.pages[e >>> this.pageShift];
      const base = (e & this.pageMask) * FLOW_REGISTERS;
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
      const kind = this.kind[a];
      this.kind[b] = kind;
      this.kind[a] = FRESH;
      if (kind === INTEGERS) {
        // a's page exists (a save wrote it); b's may not yet, and room may regrow the first page
        if (b >>> this.pageShift >= this.pages.length) this.room(b + 1);
        const pa = this.pages[a >>> this.pageShift];
        const pb = this.pages[b >>> this.pageShift];
        const ia = (a & this.pageMask) * FLOW_REGISTERS;
        const ib = (b & this.pageMask) * FLOW_REGISTERS;
        for (let j = 0; j < FLOW_REGISTERS; j++) pb[ib + j] = pa[ia + j];
      }
      const values = this.side.get(a);
      if (values !== undefined) {
        this.side.delete(a);
        this.side.set(b, values);
      }
    }
  }

  /**
   * Room for `capacity` slots, keeping slots below it: pages beyond the last one a slot below
   * `capacity` uses are dropped (a page kept in part may hold integers of slots above: their kind
   * is FRESH, so nothing reads them before a save writes them anew); none are added before a save
   * needs them.
   */
  resize(capacity: number): void {
    const n = capacity * this.sets;
    const keep = Math.min(capacity, this.capacity) * this.sets;
    const kind = new Uint8Array(n);
    kind.set(this.kind.subarray(0, keep));
    this.kind = kind;
    this.pages.length = Math.min(this.pages.length, (n + this.pageMask) >>> this.pageShift);
    this.capacity = capacity;
  }
}
