// The view's one input hook: every key goes to the reducer, which maps it in the current mode.
import { useInput } from 'ink';
import type { Dispatch } from 'react';
import type { TuiAction } from '../state/actions.js';

export function useTuiInput(dispatch: Dispatch<TuiAction>, now: () => number): void {
  useInput((input, key) => {
    dispatch({
      type: 'key',
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
