// The verdicts of one event-loop turn, staged in typed arrays and written out together. A batch
// verdict covers every queued id up to its id, so the longest leading run of packets that share
// a verdict and a mark (and set no connmark) goes out as one NFQNL_MSG_VERDICT_BATCH; the rest
// get one NFQNL_MSG_VERDICT each, all in the same datagram. Packet ids of one queue arrive in
// increasing order (the kernel numbers them under the queue lock as it sends them), and every id
// received before this turn already has its verdict, so the batch can only cover this turn's.
import { KEEP_MARK, MAX_VERDICT_MESSAGE, writeBatchVerdict, writeVerdict } from './verdict.js';

export class VerdictBatch {
  private ids: Uint32Array;
  private verdicts: Uint32Array;
  /** Float64 so a u32 mark and KEEP_MARK (-1) both fit. */
  private marks: Float64Array;
  private connmarks: Float64Array;
  /** Staged verdicts. */
  count = 0;
  /** Totals written: batch messages, single verdict messages, packets covered by batches. */
  batches = 0;
  singles = 0;
  batchedPackets = 0;

  constructor(
    readonly queue: number,
    capacity = 256,
    /** Use VERDICT_BATCH at all (off: one message per packet, for comparison and old kernels). */
    readonly useBatch = true,
  ) {
    this.ids = new Uint32Array(capacity);
    this.verdicts = new Uint32Array(capacity);
    this.marks = new Float64Array(capacity);
    this.connmarks = new Float64Array(capacity);
  }

  stage(id: number, verdict: number, mark: number, connmark: number): void {
    if (this.count === this.ids.length) this.grow();
    const i = this.count++;
    this.ids[i] = id;
    this.verdicts[i] = verdict;
    this.marks[i] = mark;
    this.connmarks[i] = connmark;
  }

  private grow(): void {
    const n = this.ids.length * 2;
    const ids = new Uint32Array(n);
    ids.set(this.ids);
    this.ids = ids;
    const v = new Uint32Array(n);
    v.set(this.verdicts);
    this.verdicts = v;
    const m = new Float64Array(n);
    m.set(this.marks);
    this.marks = m;
    const c = new Float64Array(n);
    c.set(this.connmarks);
    this.connmarks = c;
  }

  /** Bytes `write` needs at most for what is staged. */
  get maxBytes(): number {
    return this.count * MAX_VERDICT_MESSAGE;
  }

  /**
   * Writes the staged verdicts into `b` (at least `maxBytes` long), empties the stage, and returns
   * the length written.
   */
  write(b: Uint8Array): number {
    const n = this.count;
    if (n === 0) return 0;
    let off = 0;
    let i = 0;
    if (this.useBatch && n > 1) {
      const v = this.verdicts[0];
      const m = this.marks[0];
      let k = 0;
      while (
        k < n &&
        this.verdicts[k] === v &&
        this.marks[k] === m &&
        this.connmarks[k] === KEEP_MARK
      )
        k++;
      if (k > 1) {
        off = writeBatchVerdict(b, off, this.queue, this.ids[k - 1], v, m);
        this.batches++;
        this.batchedPackets += k;
        i = k;
      }
    }
    for (; i < n; i++) {
      off = writeVerdict(
        b,
        off,
        this.queue,
        this.ids[i],
        this.verdicts[i],
        this.marks[i],
        this.connmarks[i],
      );
      this.singles++;
    }
    this.count = 0;
    return off;
  }
}
