// The clock, once a second: countdowns move between polls, also while a poll hangs.
import { useEffect, type Dispatch } from 'react';
import type { TopAction } from '../state/actions.js';

export function useTicker(dispatch: Dispatch<TopAction>, now: () => number, enabled = true): void {
  useEffect(() => {
    if (!enabled) return;
    const timer = setInterval(() => dispatch({ type: 'tick', now: now() }), 1000);
    return () => clearInterval(timer);
  }, [dispatch, now, enabled]);
}
