// Asks rope run for a snapshot now and then every `intervalMs` after each answer (never two at
// once), and at once again whenever `pollSeq` changes (after a command). A failed poll is
// reported and the polling goes on: rope run may come back.
import { useEffect, type Dispatch } from 'react';
import type { TopSource } from '../ports.js';
import type { TopAction } from '../state/actions.js';

export const POLL_MS = 1000;

export function usePoll(
  source: TopSource,
  pollSeq: number,
  dispatch: Dispatch<TopAction>,
  now: () => number,
  intervalMs = POLL_MS,
): void {
  useEffect(() => {
    let stopped = false;
    let timer: NodeJS.Timeout | undefined;
    const run = async () => {
      const r = await source.poll();
      if (stopped) return;
      dispatch(
        r.ok
          ? { type: 'polled', now: now(), ...r.value }
          : { type: 'pollFailed', now: now(), error: r.error },
      );
      timer = setTimeout(() => void run(), intervalMs);
    };
    void run();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [source, pollSeq, dispatch, now, intervalMs]);
}
