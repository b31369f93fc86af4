// The clock: once a second for ages and timeouts, faster while a cut runs (the spinner).
import { useEffect, type Dispatch } from 'react';
import type { TuiAction } from '../state/actions.js';

export const TICK_MS = 1000;
export const BUSY_TICK_MS = 120;

export function useTicker(
  busy: boolean,
  dispatch: Dispatch<TuiAction>,
  now: () => number,
  enabled = true,
): void {
  useEffect(() => {
    if (!enabled) return;
    const timer = setInterval(
      () => dispatch({ type: 'tick', now: now() }),
      busy ? BUSY_TICK_MS : TICK_MS,
    );
    return () => clearInterval(timer);
  }, [busy, dispatch, now, enabled]);
}
