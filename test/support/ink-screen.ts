// Drives a view drawn by ink-testing-library the way a user would: reads the last frame, waits
// until the screen shows something (the view redraws asynchronously), types keys one at a time.
import assert from 'node:assert/strict';

/** What ink-testing-library's render() gives that these helpers use. */
export interface RenderedView {
  lastFrame(): string | undefined;
  stdin: { write(data: string): unknown };
}

export function screenOf(ui: RenderedView) {
  const frame = () => ui.lastFrame() ?? '';
  /** Waits until the screen shows what `predicate` wants; fails naming `what` after 3 s. */
  const until = async (predicate: (f: string) => boolean, what: string) => {
    const end = Date.now() + 3000;
    while (!predicate(frame())) {
      if (Date.now() > end) assert.fail(`never showed ${what}; last frame:\n${frame()}`);
      await new Promise((r) => setTimeout(r, 5));
    }
    return frame();
  };
  /** Types each key as its own write, as a user would. */
  const press = async (...keys: string[]) => {
    for (const k of keys) {
      ui.stdin.write(k);
      await new Promise((r) => setTimeout(r, 5));
    }
  };
  return { frame, until, press };
}

/** The first line of a frame that contains `text` ('' when none does). */
export const lineWith = (frame: string, text: string) =>
  frame.split('\n').find((l) => l.includes(text)) ?? '';
