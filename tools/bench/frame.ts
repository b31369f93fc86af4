// The frame every benchmark section plugs into: tools/bench/index.ts runs the sections in one
// process, prints them, and writes BENCHMARKS.md. A section measures our tool and the peer a user
// would pick instead, in the same run, on the same input.
import { readdirSync, statSync } from 'node:fs';
import { cpus, release } from 'node:os';
import { join } from 'node:path';

export interface BenchContext {
  /** ../shared/corpus, or null when absent (sections that need it then say so and skip). */
  corpusDir: string | null;
  /** Scratch directory, removed after the run. */
  tmpDir: string;
  /** Quick mode (BENCH_QUICK=1): smaller inputs, for checking that a section still runs. */
  quick: boolean;
  log(line: string): void;
}

export interface BenchSection {
  /** Heading in BENCHMARKS.md. */
  title: string;
  /** Markdown body: what was measured, how, and a table of figures. */
  markdown: string;
}

export interface BenchModule {
  /** Short name used by `npm run bench -- <name>…` to run a subset. */
  name: string;
  run(ctx: BenchContext): Promise<BenchSection>;
}

export function machineLine(): string {
  const c = cpus();
  return `${c.length} × ${c[0]?.model ?? 'cpu'}, Linux ${release()}, Node ${process.version}`;
}

/** A markdown table from a header row and rows of cells. */
export function table(header: string[], rows: (string | number)[][]): string {
  const line = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** Formats a rate like 1.23 M/s or 456 k/s. */
export function rate(perSecond: number): string {
  if (perSecond >= 1e6) return `${(perSecond / 1e6).toFixed(2)} M/s`;
  if (perSecond >= 1e3) return `${(perSecond / 1e3).toFixed(1)} k/s`;
  return `${perSecond.toFixed(0)}/s`;
}

/** The corpus captures (`<corpus>/pcap/*`) as sorted paths, the first 20 when `quick`, and their size. */
export function corpusCaptures(
  corpusDir: string,
  quick: boolean,
): { files: string[]; bytes: number } {
  const dir = join(corpusDir, 'pcap');
  let files = readdirSync(dir)
    .sort()
    .map((f) => join(dir, f));
  if (quick) files = files.slice(0, 20);
  return { files, bytes: files.reduce((n, f) => n + statSync(f).size, 0) };
}
