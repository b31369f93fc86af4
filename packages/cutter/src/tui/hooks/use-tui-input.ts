// The view's one input hook: every key press goes to the App's reducer, which reads it through
// keys.ts in the mode the view is in when the press is applied.
import { useKeyPresses } from '@p2pwall/tui';
import type { Dispatch } from 'react';
import type { KeyPressed } from '../keys.js';

export function useTuiInput(dispatch: Dispatch<KeyPressed>, now: () => number): void {
  useKeyPresses((input, key) => dispatch({ type: 'keyPressed', input, key, now: now() }));
}
