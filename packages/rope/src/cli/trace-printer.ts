// `--trace`: each executed operation with the stack after it, `print`/`dump` output, and why an
// expectation failed, indented under the packet it belongs to.
import type { Machine, Site, TraceSink } from '../index.js';
import { formatValue } from '../index.js';

const SHOWN = 8;

export class TracePrinter implements TraceSink {
  private pending = '';

  constructor(private readonly write: (text: string) => void) {}

  step(m: Machine, site: Site, _status: number): void {
    const items: string[] = [];
    const from = Math.max(0, m.sp - SHOWN);
    for (let i = from; i < m.sp; i++) items.push(formatValue(m.stack[i]));
    const stack = `[${from > 0 ? '… ' : ''}${items.join(' ')}]`;
    this.write(
      `    ${`${site.line}:${site.column}`.padEnd(7)} ${site.label.padEnd(28)} ${stack}  @${m.off - m.ip}\n`,
    );
  }

  print(text: string): void {
    this.pending += text;
    const lines = this.pending.split('\n');
    this.pending = lines.pop() ?? '';
    for (const l of lines) this.write(`    | ${l}\n`);
  }

  note(site: Site, text: string): void {
    this.write(`    ${`${site.line}:${site.column}`.padEnd(7)} note: ${text}\n`);
  }

  /** Ends the packet: writes print output that did not end its line. */
  flush(): void {
    if (this.pending !== '') {
      this.write(`    | ${this.pending}\n`);
      this.pending = '';
    }
  }
}
