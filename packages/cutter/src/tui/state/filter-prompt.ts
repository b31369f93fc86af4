// The `/` filter prompt: the table follows what is typed while it parses, Enter keeps the filter,
// Esc restores the one that was in force.
import type { Intent } from './actions.js';
import { pruned, reshow } from './placement.js';
import { plural, type TuiState } from './tui-state.js';
import { parseViewFilter } from './view-filter.js';

export type FilterIntent = Extract<
  Intent,
  {
    type:
      | 'openFilter'
      | 'filterType'
      | 'filterBackspace'
      | 'filterClearLine'
      | 'filterCommit'
      | 'filterCancel';
  }
>;

export function reduceFilter(s: TuiState, a: FilterIntent): TuiState {
  switch (a.type) {
    case 'openFilter':
      if (s.mode !== 'browse') return s;
      return {
        ...s,
        mode: 'filter',
        draft: { text: s.view?.text ?? '', error: null, previous: s.view },
      };
    case 'filterType':
    case 'filterBackspace':
    case 'filterClearLine': {
      if (!s.draft) return s;
      const text =
        a.type === 'filterType'
          ? s.draft.text + a.text
          : a.type === 'filterBackspace'
            ? s.draft.text.slice(0, -1)
            : '';
      const parsed = parseViewFilter(text);
      // the table follows the prompt while what is typed parses; otherwise the last good filter stays
      if (!parsed.ok) return { ...s, draft: { ...s.draft, text, error: parsed.error } };
      return reshow({ ...s, draft: { ...s.draft, text, error: null } }, s.rows, parsed.value);
    }
    case 'filterCommit': {
      if (!s.draft) return s;
      if (s.draft.error) return s;
      const text = s.view
        ? `filter: ${s.view.text}, ${plural(s.visible.filter((r) => !r.gone).length, 'connection')} shown`
        : 'filter cleared';
      // rows the kept filter hides leave the selection (while typing they stay, in case it comes back)
      const shown = new Set(s.visible.map((r) => r.key));
      return {
        ...s,
        mode: 'browse',
        draft: null,
        selected: pruned(s.selected, (k) => shown.has(k)),
        message: { text, tone: 'info' },
      };
    }
    case 'filterCancel':
      if (!s.draft) return s;
      return reshow({ ...s, mode: 'browse', draft: null }, s.rows, s.draft.previous);
  }
}
