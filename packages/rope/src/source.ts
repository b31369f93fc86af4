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

/**
 * The source line and a caret line under columns [column, endColumn] of it. Tabs in the source
 * are kept in the caret line's indentation so the caret lines up in any terminal.
 */
export function caretLines(sourceLine: string, column: number, endColumn: number): string {
  const start = Math.max(1, column);
  const stop = Math.max(start, Math.min(endColumn, Math.max(start, sourceLine.length)));
  const pad = sourceLine.slice(0, start - 1).replace(/[^\t]/g, ' ');
  return `${sourceLine}\n${pad}^${'~'.repeat(stop - start)}`;
}
