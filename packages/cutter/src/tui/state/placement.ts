// Keeping the view consistent as rows, the filter or the terminal change: the cursor stays on its
// row and on screen, the selection holds only live rows, a row's result is replaced in place.
import { bodyHeight } from '../layout/screen.js';
import { updateVisible, visibleRows, type Row } from './rows.js';
import type { TuiState } from './tui-state.js';
import type { ViewFilter } from './view-filter.js';

/** Keeps the cursor inside the list and on screen. */
export function place(s: TuiState, index: number): TuiState {
  const n = s.visible.length;
  const cursor = n === 0 ? 0 : Math.min(Math.max(index, 0), n - 1);
  const h = bodyHeight(s.size);
  let offset = s.offset;
  if (cursor < offset) offset = cursor;
  if (cursor >= offset + h) offset = cursor - h + 1;
  offset = Math.max(0, Math.min(offset, n - h));
  return { ...s, cursor, offset, cursorKey: s.visible[cursor]?.key ?? null };
}

/**
 * Recomputes the shown rows after the table or the filter changed (`changed`: the only keys that
 * may differ); keeps the cursor on its row.
 */
export function reshow(
  s: TuiState,
  rows: ReadonlyMap<string, Row>,
  view: ViewFilter | null,
  changed?: ReadonlySet<string>,
): TuiState {
  const visible =
    view === s.view ? updateVisible(s.visible, rows, view, changed) : visibleRows(rows, view);
  let index = s.cursor;
  if (s.cursorKey !== null && visible[index]?.key !== s.cursorKey) {
    const at = visible.findIndex((r) => r.key === s.cursorKey);
    if (at >= 0) index = at;
  }
  return place(
    {
      ...s,
      rows,
      view,
      visible,
      selected: pruned(s.selected, (k) => !!rows.get(k) && !rows.get(k)!.gone),
    },
    index,
  );
}

/** The selection without keys that fail `keep` (the same set when nothing goes). */
export function pruned(
  selected: ReadonlySet<string>,
  keep: (key: string) => boolean,
): ReadonlySet<string> {
  if (selected.size === 0) return selected;
  const kept = [...selected].filter(keep);
  return kept.length === selected.size ? selected : new Set(kept);
}

/** The rows with `key`'s cut result replaced (the same map when there is no such row). */
export function setResult(
  rows: ReadonlyMap<string, Row>,
  key: string,
  result: Row['result'],
): ReadonlyMap<string, Row> {
  const r = rows.get(key);
  if (!r) return rows;
  const out = new Map(rows);
  out.set(key, { ...r, result });
  return out;
}
