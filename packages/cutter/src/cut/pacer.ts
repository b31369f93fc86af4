// Sends in bounded batches, one batch per turn of the event loop. The `netlink` package reads at
// most 32 messages per socket per turn; if a turn spends its time sending thousands of probes,
// the endpoints' answers pile up in the NFLOG socket until the kernel drops them, and a lost
// answer costs a probe and a wait. Pacing keeps reading and sending in step.
export class Pacer {
  private readonly queue: (() => void)[] = [];
  private scheduled = false;
  /** Most jobs waiting at once (a measure of bursts). */
  peak = 0;

  constructor(readonly batch = 32) {}

  get pending(): number {
    return this.queue.length;
  }

  /** Runs `job` now if nothing waits and this turn has room, else in a later turn. */
  push(job: () => void): void {
    this.queue.push(job);
    if (this.queue.length > this.peak) this.peak = this.queue.length;
    this.schedule();
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.run());
  }

  private run(): void {
    this.scheduled = false;
    const n = Math.min(this.batch, this.queue.length);
    for (let i = 0; i < n; i++) this.queue.shift()!();
    if (this.queue.length > 0) this.schedule();
  }

  clear(): void {
    this.queue.length = 0;
  }
}
