// Source text of a script and positions in it. Lines and columns are 1-based; `endColumn` is the
// last column of the range (inclusive), as compilers print carets.

export interface Span {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  /** 0-based character offsets, end exclusive. */
  offset: number;
  endOffset: number;
}

export class SourceFile {
  readonly lines: readonly string[];

  constructor(
    /** The name diagnostics print (the path as the user gave it). */
    readonly file: string,
    readonly text: string,
  ) {
    this.lines = text.split(/\r?\n/);
  }

  line(n: number): string {
    return this.lines[n - 1] ?? '';
  }
}

/** The script's name: its file name without directories and without `.rope`. */
export function scriptName(file: string): string {
  const base = file.slice(Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\')) + 1);
  return base.endsWith('.rope') ? base.slice(0, -'.rope'.length) : base;
}

/** Source lines longer than this are shown as a window around the caret. */
export const MAX_SHOWN_LINE = 120;
/** Columns shown on each side of the caret in a long line. */
export const CARET_CONTEXT = 60;

/**
 * The source line and a caret line under columns [column, endColumn] of it. Tabs in the source
 * are kept in the caret line's indentation so the caret lines up in any terminal. A line longer
 * than MAX_SHOWN_LINE is cut to CARET_CONTEXT columns on each side of the caret, with `…` where
 * it was cut (the `file:line:col` before it stays exact), so a one-line script of megabytes
 * cannot flood the terminal.
 */
export function caretLines(sourceLine: string, column: number, endColumn: number): string {
  const start = Math.max(1, column);
  let stop = Math.max(start, Math.min(endColumn, Math.max(start, sourceLine.length)));
  let from = 1;
  let shown = sourceLine;
  let lead = '';
  if (sourceLine.length > MAX_SHOWN_LINE) {
    from = Math.max(1, start - CARET_CONTEXT);
    const to = Math.min(sourceLine.length, start + CARET_CONTEXT);
    stop = Math.min(stop, Math.max(start, to));
    lead = from > 1 ? '…' : '';
    shown = lead + sourceLine.slice(from - 1, to) + (to < sourceLine.length ? '…' : '');
  }
  const pad = (lead ? ' ' : '') + sourceLine.slice(from - 1, start - 1).replace(/[^\t]/g, ' ');
  return `${shown}\n${pad}^${'~'.repeat(stop - start)}`;
}
