// The screen, top to bottom: the title line, three sections — labels with their rates, the top
// inside hosts, locked clients and blocked peers — each a heading and its rows, then the message
// (or prompt) line and the key line. The view stays one line short of the terminal: Ink redraws a
// frame that fills the whole terminal by clearing the screen each time, which flickers.
import type { TerminalSize } from '@p2pwall/tui';

/** Title, message, keys, and the line left free. */
export const CHROME_LINES = 4;
export const SECTIONS = 3;

/** Rows of the body (sections with their headings, or the help). */
export function bodyLines(size: TerminalSize): number {
  return Math.max(SECTIONS * 2, size.rows - CHROME_LINES);
}

export interface SectionHeights {
  labels: number;
  hosts: number;
  entries: number;
}

/**
 * Rows (headings not counted) of each section: one each at least (for a row or a "none" line),
 * then one more at a time to the entries, labels and hosts in turn while they have rows to show;
 * what is left goes to the entries, so the key line stays at the bottom.
 */
export function sectionHeights(
  size: TerminalSize,
  want: { labels: number; hosts: number; entries: number },
): SectionHeights {
  const h: SectionHeights = { labels: 1, hosts: 1, entries: 1 };
  let free = bodyLines(size) - SECTIONS * 2;
  const order = ['entries', 'labels', 'hosts'] as const;
  for (let grew = true; free > 0 && grew;) {
    grew = false;
    for (const k of order) {
      if (free > 0 && h[k] < want[k]) {
        h[k]++;
        free--;
        grew = true;
      }
    }
  }
  h.entries += free;
  return h;
}
