// The views' one way to read keys: Ink's parse of each press, trimmed to the KeyPress the pure key
// maps read, handed to the view (which dispatches it to its reducer).
import { useInput } from 'ink';
import type { KeyPress } from './keys.js';

export function useKeyPresses(onKey: (input: string, key: KeyPress) => void): void {
  useInput((input, key) => {
    onKey(input, {
      upArrow: key.upArrow,
      downArrow: key.downArrow,
      pageUp: key.pageUp,
      pageDown: key.pageDown,
      home: key.home,
      end: key.end,
      return: key.return,
      escape: key.escape,
      ctrl: key.ctrl,
      meta: key.meta,
      backspace: key.backspace,
      delete: key.delete,
      tab: key.tab,
    });
  });
}
