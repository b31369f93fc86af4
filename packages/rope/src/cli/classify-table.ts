// The readable output of `rope classify`: a table per capture of its flows, their packets, IP
// bytes and labels (with the flow's packet that matched), columns as wide as the endpoints.
import type { FlowReport } from '../classify/classify-capture.js';
import type { BufferedWriter } from './buffered-output.js';

/** Rows of a capture the table holds back to size its columns; later rows go out as they come. */
export const TABLE_ROWS_SIZED = 10_000;
/** `255.255.255.255:65535`: the narrowest an endpoint column gets once rows stream. */
const IPV4_ENDPOINT = 21;

/**
 * The readable per-flow table: one block per capture, columns as wide as its endpoints. Rows wait
 * until the capture ends (to count them and size the columns) — up to TABLE_ROWS_SIZED; past that
 * the columns are sized on those and the rest is written as it comes, so memory stays bounded.
 */
export class FlowTableText {
  private capture = '';
  private rows: FlowReport[] = [];
  private streaming = false;
  private wa = 0;
  private wb = 0;

  constructor(
    private readonly out: BufferedWriter,
    private readonly several: boolean,
  ) {}

  start(capture: string): void {
    this.capture = capture;
    this.rows = [];
    this.streaming = false;
  }

  add(f: FlowReport): void {
    if (this.streaming) this.row(f);
    else if (this.rows.push(f) > TABLE_ROWS_SIZED) {
      if (this.several)
        this.out.write(`${this.capture}: more than ${TABLE_ROWS_SIZED} flows, as they end\n`);
      this.size(IPV4_ENDPOINT);
      this.flushRows();
      this.streaming = true;
    }
  }

  end(): void {
    if (this.streaming) return;
    const n = this.rows.length;
    if (this.several) this.out.write(`${this.capture}: ${n} flow${n === 1 ? '' : 's'}\n`);
    if (n === 0) return;
    this.size(0);
    this.flushRows();
  }

  private size(least: number): void {
    this.wa = Math.max(least, 'initiator (a)'.length);
    this.wb = Math.max(least, 'responder (b)'.length);
    for (const f of this.rows) {
      this.wa = Math.max(this.wa, f.a.length);
      this.wb = Math.max(this.wb, f.b.length);
    }
    this.out.write(
      `  l4   ${'initiator (a)'.padEnd(this.wa)}  ${'responder (b)'.padEnd(this.wb)}  ${'packets'.padStart(8)}  ${'bytes'.padStart(11)}  labels (at packet)\n`,
    );
  }

  private flushRows(): void {
    for (const f of this.rows) this.row(f);
    this.rows = [];
  }

  private row(f: FlowReport): void {
    const labels =
      f.labels.length === 0 ? '-' : f.labels.map((l, i) => `${l} (${f.matchedAt[i]})`).join(', ');
    this.out.write(
      `  ${f.l4}  ${f.a.padEnd(this.wa)}  ${f.b.padEnd(this.wb)}  ${String(f.packets).padStart(8)}  ${String(f.bytes).padStart(11)}  ${labels}\n`,
    );
  }
}
