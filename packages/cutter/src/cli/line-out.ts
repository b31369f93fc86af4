// cutter's standard output: written a line at a time by its callers, sent with one write per turn
// of the event loop. A cut of a thousand connections reports its results in bursts (one run of
// NFLOG copies confirms dozens of connections), and a write(2) per line was a tenth of such a
// cut's time. Lines keep their order, each still leaves within the turn it was written in, and
// what is pending goes out before the process exits, also when a signal ends it.

export class LineOut {
  private pending = '';
  private scheduled = false;

  constructor(private readonly write: (text: string) => void) {}

  /** Queues `text` and a newline; they leave at the end of this turn of the event loop. */
  line(text: string): void {
    this.pending += text + '\n';
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.flush);
    }
  }

  /** Writes what is pending now (a no-op when nothing is). */
  readonly flush = (): void => {
    this.scheduled = false;
    if (this.pending === '') return;
    const text = this.pending;
    this.pending = '';
    this.write(text);
  };
}

/**
 * Lines for process.stdout, flushed on exit too ('exit' handlers run synchronously, and writes to
 * a pipe or file are synchronous on Linux, so nothing pending is lost when a signal ends cutter).
 */
export function stdoutLines(): LineOut {
  const out = new LineOut((text) => process.stdout.write(text));
  process.once('exit', out.flush);
  return out;
}
