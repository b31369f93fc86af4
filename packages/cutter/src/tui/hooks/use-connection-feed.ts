// Feeds the reducer from a connection source: snapshots at once, events in batches (a busy
// router reports thousands a second; one re-sort per batch instead of per event), and a fresh
// dump whenever the state asks for one (`refreshSeq`).
import { useEffect, useRef, type Dispatch } from 'react';
import type { ConnectionSource } from '../ports.js';
import type { TuiAction } from '../state/actions.js';
import type { RowEvent } from '../state/rows.js';

/**
 * How long events gather before they are applied together: 25 ms, longer for a big table (each
 * batch copies the table: about 0.4 ms per 1000 rows), so a busy router with 100 000 entries
 * costs a few percent of a core rather than all of it.
 */
export function eventBatchMs(rows: number): number {
  return Math.min(1000, Math.max(25, Math.round(rows / 200)));
}

const oneLine = (e: unknown) => (e instanceof Error ? e.message : String(e)).split('\n')[0];

export function useConnectionFeed(
  source: ConnectionSource,
  refreshSeq: number,
  tableSize: number,
  dispatch: Dispatch<TuiAction>,
  now: () => number,
): void {
  const size = useRef(tableSize);
  size.current = tableSize;
  useEffect(() => {
    let pending: RowEvent[] = [];
    let timer: NodeJS.Timeout | null = null;
    const flush = () => {
      if (timer) clearTimeout(timer);
      timer = null;
      if (pending.length === 0) return;
      const events = pending;
      pending = [];
      dispatch({ type: 'events', events, now: now() });
    };
    const unsubscribe = source.subscribe({
      snapshot(connections, reason, takenAt) {
        flush(); // events that came before the dump are applied before it
        dispatch({
          type: 'snapshot',
          connections,
          reason,
          now: now(),
          ...(takenAt !== undefined ? { takenAt } : {}),
        });
      },
      event(type, connection) {
        pending.push({ type, connection });
        timer ??= setTimeout(flush, eventBatchMs(size.current));
      },
      error(e) {
        flush();
        dispatch({ type: 'sourceError', message: `conntrack: ${oneLine(e)}` });
      },
    });
    return () => {
      unsubscribe();
      if (timer) clearTimeout(timer);
    };
  }, [source, dispatch, now]);

  useEffect(() => {
    if (refreshSeq === 0) return;
    source
      .refresh()
      .catch((e: unknown) =>
        dispatch({ type: 'sourceError', message: `refresh failed: ${oneLine(e)}` }),
      );
  }, [refreshSeq, source, dispatch]);
}
