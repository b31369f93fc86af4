// Sends in bounded batches, one batch per turn of the event loop. The `netlink` package reads at
// most 32 messages per socket per turn; if a turn spends its time sending thousands of probes,
// the endpoints' answers pile up in the NFLOG socket until the kernel drops them, and a lost
// answer costs a probe and a wait. Pacing keeps reading and sending in step.
// Two lanes: jobs pushed `ahead` (the RSTs) leave before every job of the other lane (probes),
// each lane in its own order. A connection is dead once its RSTs arrive; the probes only learn
// numbers or confirm. With a thousand connections the queue holds thousands of probes, and a RST
// queued behind them kept its connection alive that much longer (docs/performance.md, cutter).
export class Pacer {
  private readonly ahead: (() => void)[] = [];
  private readonly queue: (() => void)[] = [];
  private scheduled = false;
  /** Most jobs waiting at once (a measure of bursts). */
  peak = 0;

  constructor(readonly batch = 32) {}

  get pending(): number {
    return this.ahead.length + this.queue.length;
  }

  /**
   * Runs `job` in this turn's batch or a later one: after every job pushed before it in its lane,
   * and, when `ahead`, before every job of the other lane that has not run yet.
   */
  push(job: () => void, ahead = false): void {
    (ahead ? this.ahead : this.queue).push(job);
    const pending = this.pending;
    if (pending > this.peak) this.peak = pending;
    this.schedule();
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.run());
  }

  private run(): void {
    this.scheduled = false;
    for (let n = Math.min(this.batch, this.pending); n > 0; n--) {
      // a job may push more: an `ahead` job pushed now still leaves before the queued ones
      const job = this.ahead.length > 0 ? this.ahead.shift()! : this.queue.shift()!;
      job();
    }
    if (this.pending > 0) this.schedule();
  }

  clear(): void {
    this.ahead.length = 0;
    this.queue.length = 0;
  }
}
