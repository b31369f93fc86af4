// Every key goes to the reducer, which maps it in the current mode (keys.ts). Several characters
// that arrived together are handed over one by one.
import { useInput } from 'ink';
import type { Dispatch } from 'react';
import { splitBurst } from '../keys.js';
import type { TopAction } from '../state/actions.js';

export function useTopInput(dispatch: Dispatch<TopAction>, now: () => number): void {
  useInput((input, key) => {
    if (input.length > 1 && !key.meta) {
      for (const k of splitBurst(input)) dispatch({ type: 'key', ...k, now: now() });
      return;
    }
    dispatch({
      type: 'key',
      input,
      key: {
        upArrow: key.upArrow,
        downArrow: key.downArrow,
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
