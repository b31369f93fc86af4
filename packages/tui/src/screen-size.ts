// The terminal's size and the least a view draws in; below it a view shows TooSmall instead of a
// mangled screen.

export const MIN_COLUMNS = 60;
export const MIN_ROWS = 10;

export interface TerminalSize {
  columns: number;
  rows: number;
}

export function tooSmall(size: TerminalSize): boolean {
  return size.columns < MIN_COLUMNS || size.rows < MIN_ROWS;
}
