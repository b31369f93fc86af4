// Slot numbers for the flows of a table: each live flow holds a distinct small integer, so the
// table's owner can keep its per-flow state in typed arrays indexed by it (no object per flow, no
// garbage when flows come and go). A freed slot is handed out again before a new one is opened, so
// the slots in use stay below the most flows the table has held at once (`highWater`); `renumber`
// packs them back to 0…size−1 after a flood, so the owner can shrink its arrays.

export class FlowSlots {
  // freed slots, a stack (the most recently freed is reused first)
  private free: Int32Array;
  private freeCount = 0;
  /** Slots ever handed out since the last `renumber`: every slot in use is below it. */
  highWater = 0;

  constructor(initialCapacity = 1024) {
    this.free = new Int32Array(initialCapacity);
  }

  /** A slot no live flow holds. */
  take(): number {
    if (this.freeCount > 0) return this.free[--this.freeCount];
    return this.highWater++;
  }

  /** Gives back the slot of a flow that left the table. */
  give(slot: number): void {
    if (this.freeCount === this.free.length) {
      const grown = new Int32Array(this.free.length * 2);
      grown.set(this.free);
      this.free = grown;
    }
    this.free[this.freeCount++] = slot;
  }

  /** Slots in use. */
  get used(): number {
    return this.highWater - this.freeCount;
  }

  /** The free slots below `live`, as many as the live flows holding a slot at or above it. */
  freeBelow(live: number): Int32Array {
    let n = 0;
    for (let i = 0; i < this.freeCount; i++) if (this.free[i] < live) n++;
    const out = new Int32Array(n);
    n = 0;
    for (let i = 0; i < this.freeCount; i++) if (this.free[i] < live) out[n++] = this.free[i];
    return out;
  }

  /**
   * Starts numbering again once the live flows hold slots 0…live−1: the free list empties and its
   * array shrinks back when it had grown far past what is left.
   */
  reset(live: number): void {
    this.highWater = live;
    this.freeCount = 0;
    if (this.free.length > 1024 && this.free.length > 4 * live)
      this.free = new Int32Array(Math.max(1024, live));
  }
}
