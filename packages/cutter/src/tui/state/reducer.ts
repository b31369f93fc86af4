// The interactive view's one pure reducer: intents and world events in, the next state out.
// Side effects (starting a cut, aborting it, re-dumping, exiting) are requested through state the
// App reacts to — `run`, `refreshSeq`, `quit` — so every decision is here and testable without Ink
// or a kernel. Navigation, selection, help and the terminal are handled here; the filter prompt,
// cutting and the source each in their own module.
import { bodyHeight } from '../layout/screen.js';
import type { TuiAction } from './actions.js';
import { reduceCut } from './cutting.js';
import { reduceFilter } from './filter-prompt.js';
import { place } from './placement.js';
import { reduceSource } from './source.js';
import type { TuiState } from './tui-state.js';

export function reduce(s: TuiState, a: TuiAction): TuiState {
  switch (a.type) {
    case 'move':
      return place(s, s.cursor + a.delta);
    case 'page':
      return place(s, s.cursor + a.direction * Math.max(1, bodyHeight(s.size) - 1));
    case 'moveTo':
      return place(s, a.where === 'first' ? 0 : s.visible.length - 1);
    case 'toggleSelect': {
      const row = s.visible[s.cursor];
      if (!row || row.gone) return s;
      const selected = new Set(s.selected);
      if (!selected.delete(row.key)) selected.add(row.key);
      return { ...s, selected };
    }
    case 'selectAllVisible': {
      const live = s.visible.filter((r) => !r.gone).map((r) => r.key);
      const all = live.length > 0 && live.every((k) => s.selected.has(k));
      return { ...s, selected: all ? new Set() : new Set(live) };
    }
    case 'toggleHelp':
      if (s.mode !== 'browse' && s.mode !== 'help') return s;
      return { ...s, mode: s.mode === 'help' ? 'browse' : 'help' };
    case 'resize':
      return place({ ...s, size: { columns: a.columns, rows: a.rows } }, s.cursor);
    case 'tick':
      return { ...s, now: a.now };

    case 'openFilter':
    case 'filterType':
    case 'filterBackspace':
    case 'filterClearLine':
    case 'filterCommit':
    case 'filterCancel':
      return reduceFilter(s, a);
    case 'requestCut':
    case 'confirmCut':
    case 'cancelCut':
    case 'cutResult':
    case 'cutFinished':
    case 'quit':
      return reduceCut(s, a);
    case 'snapshot':
    case 'events':
    case 'sourceError':
    case 'refresh':
      return reduceSource(s, a);
  }
}
