// What the classifier remembers about each flow's labels: per script, whether it is still looking,
// matched (the flow carries its label from then on) or gave up (the window closed without a YES),
// the packet that matched, and why it matched (`via`: the signature the script named, or the
// table key it found). Kept in typed arrays indexed by the flow's slot (`Flow.slot`), not in an
// object per flow: a flood of new flows then makes no garbage and the collector has nothing per
// flow to trace. FlowLabels is a view onto one flow's entry, moved from flow to flow.
import { NO_VIA, ViaNames } from './via-names.js';

/** The script still runs on the flow's packets that fall in the window. */
export const LABEL_PENDING = 0;
/** The script said YES on a packet of the flow: the flow has its label for good. */
export const LABEL_MATCHED = 1;
/** Both directions went past the window without a YES: the script no longer runs on the flow. */
export const LABEL_UNMATCHED = 2;
/**
 * The script ended a run with `never`: it no longer runs on the flow, in its window or after
 * (no late run: the script said no packet of the flow can match).
 */
export const LABEL_NEVER = 3;

export type LabelState =
  typeof LABEL_PENDING | typeof LABEL_MATCHED | typeof LABEL_UNMATCHED | typeof LABEL_NEVER;

/** How `via` of a label that followed a table lookup starts (then the key's note). */
export const LEARNED_PREFIX = 'learned:';

/** The labels of every flow of one classifier, by slot. */
export class LabelStore {
  /** Per slot and script (slot × scripts + i): a LabelState. */
  state: Uint8Array;
  /** Per slot and script: the flow's packet (1-based, both directions) that said YES; 0 if none. */
  matchedAt: Float64Array;
  /**
   * Per slot and script: why the YES — NO_VIA (nothing said), a signature name's id in `names`,
   * or minus the id of the note of the table key the run found (a label learned from a table).
   */
  via: Int32Array;
  readonly names = new ViaNames();
  /** Per slot: scripts that matched, scripts still pending. */
  labelCount: Uint16Array;
  pending: Uint16Array;

  constructor(
    readonly scripts: number,
    public capacity: number,
  ) {
    this.state = new Uint8Array(capacity * scripts);
    this.matchedAt = new Float64Array(capacity * scripts);
    this.via = new Int32Array(capacity * scripts);
    this.labelCount = new Uint16Array(capacity);
    this.pending = new Uint16Array(capacity);
  }

  /** A new flow took the slot: every script pending, nothing matched. */
  open(slot: number): void {
    const n = this.scripts;
    this.release(slot);
    this.state.fill(LABEL_PENDING, slot * n, slot * n + n);
    this.matchedAt.fill(0, slot * n, slot * n + n);
    this.labelCount[slot] = 0;
    this.pending[slot] = n;
  }

  /**
   * Script `i` said YES on the flow in `slot`: records why — `signature` (the run's `via`) when
   * given, else `learnedFrom` (the note of the key the run found with `table_has`), else nothing.
   */
  setVia(slot: number, i: number, signature: string | null, learnedFrom: string | null): void {
    const e = slot * this.scripts + i;
    const names = this.names;
    names.release(Math.abs(this.via[e]));
    this.via[e] =
      signature !== null
        ? names.acquire(signature)
        : learnedFrom !== null
          ? -names.acquire(learnedFrom)
          : NO_VIA;
  }

  /** The flow in `slot` left: its `via` names are given back (its labels stay readable). */
  release(slot: number): void {
    const n = this.scripts;
    const via = this.via;
    for (let e = slot * n; e < slot * n + n; e++) {
      if (via[e] === NO_VIA) continue;
      this.names.release(Math.abs(via[e]));
      via[e] = NO_VIA;
    }
  }

  /** Copies slot `from` to slot `to` (compaction). */
  move(from: number, to: number): void {
    const n = this.scripts;
    this.state.copyWithin(to * n, from * n, from * n + n);
    this.matchedAt.copyWithin(to * n, from * n, from * n + n);
    this.via.copyWithin(to * n, from * n, from * n + n);
    this.via.fill(NO_VIA, from * n, from * n + n);
    this.labelCount[to] = this.labelCount[from];
    this.pending[to] = this.pending[from];
  }

  /** New arrays for `capacity` slots, keeping slots below it. */
  resize(capacity: number): void {
    const n = this.scripts;
    const keep = Math.min(capacity, this.capacity);
    this.state = copied(new Uint8Array(capacity * n), this.state, keep * n);
    this.matchedAt = copied(new Float64Array(capacity * n), this.matchedAt, keep * n);
    this.via = copied(new Int32Array(capacity * n), this.via, keep * n);
    this.labelCount = copied(new Uint16Array(capacity), this.labelCount, keep);
    this.pending = copied(new Uint16Array(capacity), this.pending, keep);
    this.capacity = capacity;
  }
}

function copied<T extends Uint8Array | Uint16Array | Int32Array | Float64Array>(
  to: T,
  from: T,
  n: number,
): T {
  to.set(from.subarray(0, n) as never);
  return to;
}

/**
 * One flow's labels: a view onto its slot of a LabelStore, valid until the classifier handles the
 * next packet (it is moved to the next packet's flow). `slot` −1: no flow, nothing matched and
 * nothing pending.
 */
export class FlowLabels {
  slot = -1;

  constructor(private readonly store: LabelStore) {}

  /** Script `i` labelled the flow. */
  has(i: number): boolean {
    return this.slot >= 0 && this.store.state[this.slot * this.store.scripts + i] === LABEL_MATCHED;
  }

  /** Script `i`'s state: LABEL_PENDING, LABEL_MATCHED, LABEL_UNMATCHED or LABEL_NEVER. */
  stateOf(i: number): LabelState {
    if (this.slot < 0) return LABEL_UNMATCHED;
    return this.store.state[this.slot * this.store.scripts + i] as LabelState;
  }

  /** The flow's packet number (1-based, both directions) on which script `i` matched; 0 if none. */
  matchedAt(i: number): number {
    if (this.slot < 0) return 0;
    return this.store.matchedAt[this.slot * this.store.scripts + i];
  }

  /**
   * Why script `i` matched: the signature name its run gave with `via`, or `learned:` and the
   * note of the table key it found (what taught the key: `<source> <ip:port>><ip:port>`); null
   * when the run said neither, or the script did not match.
   */
  via(i: number): string | null {
    if (this.slot < 0) return null;
    const id = this.store.via[this.slot * this.store.scripts + i];
    if (id === NO_VIA) return null;
    const names = this.store.names;
    return id > 0 ? names.name(id) : LEARNED_PREFIX + names.name(-id);
  }

  /** How many scripts matched. */
  get labelCount(): number {
    return this.slot < 0 ? 0 : this.store.labelCount[this.slot];
  }

  /** How many scripts are still pending (0: the classifier skips the flow). */
  get pending(): number {
    return this.slot < 0 ? 0 : this.store.pending[this.slot];
  }
}
