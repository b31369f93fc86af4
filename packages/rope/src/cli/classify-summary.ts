// The totals `rope classify` prints after its table (flows and packets per label) and the script
// errors it reports on stderr whatever the output, across all captures.
import type { CaptureReport, FlowReport } from '../classify/classify-capture.js';
import { verdictName, Verdict } from '../runtime/verdict.js';

/** What a capture's classifier counted per script: FAIL and HOTDROP runs, the last error. */
export interface ScriptCounts {
  fails: number;
  hotdrops: number;
  lastError: string | null;
}

/** The counts of each script of a capture's classifier (they cross threads with --jobs). */
export function scriptCounts(r: CaptureReport): ScriptCounts[] {
  return r.classifier.stats.map((s) => ({
    fails: s.verdicts[Verdict.FAIL],
    hotdrops: s.verdicts[Verdict.HOTDROP],
    lastError: s.lastError ? s.lastError.toString() : null,
  }));
}

/** Totals per label and per script across all captures. */
export class Summary {
  private readonly flows: number[];
  private readonly packets: number[];
  private readonly bytes: number[];
  private readonly fails: number[];
  private readonly hotdrops: number[];
  private readonly lastError: (string | null)[];
  private total = { flows: 0, tcp: 0, udp: 0, packets: 0, unlabelled: 0, records: 0 };

  constructor(private readonly names: string[]) {
    this.flows = names.map(() => 0);
    this.packets = names.map(() => 0);
    this.bytes = names.map(() => 0);
    this.fails = names.map(() => 0);
    this.hotdrops = names.map(() => 0);
    this.lastError = names.map(() => null);
  }

  /** Counts one flow, as it is written. */
  addFlow(f: FlowReport): void {
    this.total.flows++;
    if (f.l4 === 'tcp') this.total.tcp++;
    else this.total.udp++;
    if (f.labels.length === 0) this.total.unlabelled++;
    for (const l of f.labels) {
      const i = this.names.indexOf(l);
      this.flows[i]++;
      this.packets[i] += f.packets;
      this.bytes[i] += f.bytes;
    }
  }

  /** Counts a capture once it has been read (its flows went through addFlow). */
  add(r: CaptureReport): void {
    this.addCapture(r.records, r.ipPackets, scriptCounts(r));
  }

  /** `add` from what a capture counted (a --jobs worker sends these). */
  addCapture(records: number, ipPackets: number, scripts: readonly ScriptCounts[]): void {
    this.total.records += records;
    this.total.packets += ipPackets;
    scripts.forEach((s, i) => {
      this.fails[i] += s.fails;
      this.hotdrops[i] += s.hotdrops;
      if (s.lastError !== null) this.lastError[i] = s.lastError;
    });
  }

  text(captures: number, seconds: number): string {
    const t = this.total;
    const lines = [
      '',
      `${captures} capture${captures === 1 ? '' : 's'}, ${t.packets} IP packets, ${t.flows} flows (TCP ${t.tcp}, UDP ${t.udp}) in ${seconds.toFixed(2)} s`,
    ];
    const width = Math.max(12, ...this.names.map((n) => n.length));
    this.names.forEach((n, i) => {
      lines.push(
        `  ${n.padEnd(width)} ${String(this.flows[i]).padStart(7)} flow${this.flows[i] === 1 ? ' ' : 's'} ${String(this.packets[i]).padStart(9)} packets ${String(this.bytes[i]).padStart(12)} bytes`,
      );
    });
    lines.push(
      `  ${'(no label)'.padEnd(width)} ${String(t.unlabelled).padStart(7)} flow${t.unlabelled === 1 ? ' ' : 's'}`,
    );
    return lines.join('\n') + '\n';
  }

  /** One line per script whose runs failed or hot-dropped: counts and the last error. */
  scriptErrors(): string[] {
    const out: string[] = [];
    this.names.forEach((n, i) => {
      if (this.fails[i] === 0 && this.hotdrops[i] === 0) return;
      out.push(
        `${n}: ${this.fails[i]} run${this.fails[i] === 1 ? '' : 's'} ended ${verdictName(Verdict.FAIL)}, ${this.hotdrops[i]} ${verdictName(Verdict.HOTDROP)}; last: ${this.lastError[i]}`,
      );
    });
    return out;
  }
}
