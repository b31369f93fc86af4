// The App's reducer: a key press goes through keys.ts, which turns it into intents for the state
// reducer; everything else goes to the state reducer as it is. Key presses are resolved here,
// against the latest state, because a burst of keys is read mode by mode as the intents apply.
import { applyKeyPress, type KeyPressed } from './keys.js';
import type { TuiAction } from './state/actions.js';
import { reduce } from './state/reducer.js';
import type { TuiState } from './state/tui-state.js';

export type ViewInput = TuiAction | KeyPressed;

export function reduceView(s: TuiState, a: ViewInput): TuiState {
  return a.type === 'keyPressed' ? applyKeyPress(s, a, reduce) : reduce(s, a);
}
