// What the connection source reports — whole snapshots, event batches, errors — and the user's
// request for a fresh dump.
import type { TuiAction } from './actions.js';
import { reshow } from './placement.js';
import { applyEvents, applySnapshot } from './rows.js';
import { plural, type TuiState } from './tui-state.js';

export type SourceAction = Extract<
  TuiAction,
  { type: 'snapshot' | 'events' | 'sourceError' | 'refresh' }
>;

export function reduceSource(s: TuiState, a: SourceAction): TuiState {
  switch (a.type) {
    case 'snapshot': {
      const rows = applySnapshot(s.rows, a.connections, a.now, a.reason, a.takenAt);
      const next = reshow({ ...s, loaded: true, now: a.now }, rows, s.view);
      if (a.reason === 'refresh')
        return {
          ...next,
          refreshing: false,
          message: {
            text: `re-read the conntrack table: ${plural(rows.size, 'connection')}`,
            tone: 'info',
          },
        };
      if (a.reason === 'overrun')
        return {
          ...next,
          message: {
            text: 'the kernel dropped events (too many at once): re-read the table',
            tone: 'info',
          },
        };
      return next;
    }
    case 'events':
      return reshow(
        { ...s, now: a.now },
        applyEvents(s.rows, a.events, a.now),
        s.view,
        new Set(a.events.map((e) => e.connection.key)),
      );
    case 'sourceError':
      return { ...s, refreshing: false, message: { text: a.message, tone: 'bad' } };
    case 'refresh':
      if (s.refreshing) return s;
      return {
        ...s,
        refreshing: true,
        refreshSeq: s.refreshSeq + 1,
        message: { text: 're-reading the conntrack table...', tone: 'info' },
      };
  }
}
