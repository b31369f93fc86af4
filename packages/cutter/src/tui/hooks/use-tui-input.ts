// The view's one input hook: every key press goes to the App's reducer, which reads it through
// keys.ts in the mode the view is in when the press is applied.
import { useInput } from 'ink';
import type { Dispatch } from 'react';
import type { KeyPressed } from '../keys.js';

export function useTuiInput(dispatch: Dispatch<KeyPressed>, now: () => number): void {
  useInput((input, key) => {
    dispatch({
      type: 'keyPressed',
      input,
      key: {
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
      },
      now: now(),
    });
  });
}
