// The screen's fixed parts, top to bottom: title, column headings, the table body, the detail line
// of the row under the cursor, the message/prompt line, the status line with counts, the key help
// line. The view stays one line short of the terminal: Ink redraws a frame that fills the whole
// terminal by clearing the screen each time, which flickers.
import type { TerminalSize } from '@p2pwall/tui';

/** Lines that are not table body (six fixed lines plus the one left free). */
export const CHROME_LINES = 7;

/** Table rows that fit on screen. */
export function bodyHeight(size: TerminalSize): number {
  return Math.max(1, size.rows - CHROME_LINES);
}
