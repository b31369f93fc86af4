// Every key goes to the reducer, which maps it in the current mode (keys.ts). Several characters
// that arrived together are handed over one by one.
import { splitBurst, useKeyPresses } from '@p2pwall/tui';
import type { Dispatch } from 'react';
import type { TopAction } from '../state/actions.js';

export function useTopInput(dispatch: Dispatch<TopAction>, now: () => number): void {
  useKeyPresses((input, key) => {
    if (input.length > 1 && !key.meta) {
      for (const k of splitBurst(input)) dispatch({ type: 'key', ...k, now: now() });
      return;
    }
    dispatch({ type: 'key', input, key, now: now() });
  });
}
