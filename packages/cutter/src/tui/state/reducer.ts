// The interactive view's state and its one pure reducer. Side effects (starting a cut, aborting
// it, re-dumping, exiting) are requested through state the App reacts to — `run`, `refreshSeq`,
// `quit` — so every decision is here and testable without Ink or a kernel.
import { keyToIntent, splitBurst, type KeyPress } from '../keys.js';
import { bodyHeight, type TerminalSize } from '../layout/screen.js';
import type { TuiAction } from './actions.js';
import { applyEvents, applySnapshot, updateVisible, visibleRows, type Row } from './rows.js';
import { parseViewFilter, type ViewFilter } from './view-filter.js';

export type Mode = 'browse' | 'filter' | 'confirm' | 'help';
export type MessageTone = 'info' | 'ok' | 'bad';

export interface CutRun {
  id: number;
  /** Rows being cut, in display order. */
  keys: readonly string[];
  done: number;
  startedAt: number;
  /** Quit was asked for while it ran: the App aborts it; the view exits when it finishes. */
  aborting: boolean;
}

export interface FilterDraft {
  text: string;
  error: string | null;
  /** The filter in force when the prompt opened (Esc restores it). */
  previous: ViewFilter | null;
}

export interface TuiState {
  rows: ReadonlyMap<string, Row>;
  /** Rows shown, in display order (filtered by `view`). */
  visible: readonly Row[];
  /** The first snapshot arrived. */
  loaded: boolean;
  view: ViewFilter | null;
  draft: FilterDraft | null;
  mode: Mode;
  /** Index into `visible`; the row under the cursor is followed by key across changes. */
  cursor: number;
  cursorKey: string | null;
  /** First visible row on screen. */
  offset: number;
  /** Keys of selected rows: live rows that pass the kept view filter (a draft does not unselect). */
  selected: ReadonlySet<string>;
  /** Rows awaiting the one-key confirmation. */
  confirm: readonly string[] | null;
  run: CutRun | null;
  nextRun: number;
  totals: { cut: number; failed: number; skipped: number };
  message: { text: string; tone: MessageTone } | null;
  /** Bumped to ask the App for a fresh dump. */
  refreshSeq: number;
  refreshing: boolean;
  size: TerminalSize;
  startedAt: number;
  now: number;
  /** 'stopping': waiting for an aborted cut to remove its rules; 'now': the App exits. */
  quit: 'no' | 'stopping' | 'now';
}

export function initialState(options: { now: number; size: TerminalSize }): TuiState {
  return {
    rows: new Map(),
    visible: [],
    loaded: false,
    view: null,
    draft: null,
    mode: 'browse',
    cursor: 0,
    cursorKey: null,
    offset: 0,
    selected: new Set(),
    confirm: null,
    run: null,
    nextRun: 1,
    totals: { cut: 0, failed: 0, skipped: 0 },
    message: null,
    refreshSeq: 0,
    refreshing: false,
    size: options.size,
    startedAt: options.now,
    now: options.now,
    quit: 'no',
  };
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** Keeps the cursor inside the list and on screen. */
function place(s: TuiState, index: number): TuiState {
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
function reshow(
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
function pruned(
  selected: ReadonlySet<string>,
  keep: (key: string) => boolean,
): ReadonlySet<string> {
  if (selected.size === 0) return selected;
  const kept = [...selected].filter(keep);
  return kept.length === selected.size ? selected : new Set(kept);
}

function setResult(
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

/**
 * One key in the current mode. Several characters at once are taken one by one (each in the mode
 * the one before left), but such a burst never confirms a cut: "cy" pasted or typed in one go
 * asks and then cancels — a cut needs its own deliberate "y".
 */
function applyKey(s: TuiState, input: string, key: KeyPress, now: number): TuiState {
  const single = [...input].length <= 1 || (s.mode === 'filter' && !/[\x00-\x1f\x7f]/.test(input));
  const keys = single ? [{ input, key }] : splitBurst(input);
  let st = s;
  for (const k of keys) {
    const intent = keyToIntent(st.mode, k.input, k.key);
    if (!intent) continue;
    if (intent.type === 'confirmCut')
      st = reduce(st, single ? { type: 'confirmCut', now } : { type: 'cancelCut' });
    else st = reduce(st, intent);
  }
  return st;
}

export function reduce(s: TuiState, a: TuiAction): TuiState {
  switch (a.type) {
    case 'key':
      return applyKey(s, a.input, a.key, a.now);
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

    case 'requestCut': {
      if (s.mode !== 'browse') return s;
      if (s.run)
        return { ...s, message: { text: 'a cut is running: wait for its results', tone: 'info' } };
      const live = s.visible.filter((r) => !r.gone);
      let keys = live.filter((r) => s.selected.has(r.key)).map((r) => r.key);
      if (keys.length === 0) {
        const row = s.visible[s.cursor];
        if (row && !row.gone) keys = [row.key];
      }
      if (keys.length === 0)
        return {
          ...s,
          message: { text: 'nothing to cut: no connection under the cursor', tone: 'info' },
        };
      return { ...s, mode: 'confirm', confirm: keys };
    }
    case 'confirmCut': {
      if (s.mode !== 'confirm' || !s.confirm) return s;
      const keys = s.confirm.filter((k) => s.rows.get(k) && !s.rows.get(k)!.gone);
      if (keys.length === 0)
        return {
          ...s,
          mode: 'browse',
          confirm: null,
          message: { text: 'those connections ended meanwhile: nothing to cut', tone: 'info' },
        };
      const id = s.nextRun;
      let rows = s.rows;
      for (const k of keys) rows = setResult(rows, k, { kind: 'cutting', run: id });
      const next = reshow(
        {
          ...s,
          mode: 'browse',
          confirm: null,
          nextRun: id + 1,
          run: { id, keys, done: 0, startedAt: a.now, aborting: false },
        },
        rows,
        s.view,
        new Set(keys),
      );
      return {
        ...next,
        message: { text: `cutting ${plural(keys.length, 'connection')}...`, tone: 'info' },
      };
    }
    case 'cancelCut':
      if (s.mode !== 'confirm') return s;
      return {
        ...s,
        mode: 'browse',
        confirm: null,
        message: { text: 'nothing cut', tone: 'info' },
      };
    case 'cutResult': {
      if (!s.run || s.run.id !== a.run) return s;
      let rows = setResult(s.rows, a.key, {
        kind: a.result,
        ms: a.ms,
        reason: a.reason,
        ...(a.method ? { method: a.method } : {}),
      });
      const row = rows.get(a.key);
      if (a.deleted && row && !row.gone)
        rows = new Map(rows).set(a.key, { ...row, gone: true, reportedAt: a.now });
      const selected = new Set(s.selected);
      selected.delete(a.key);
      const totals = { ...s.totals, [a.result]: s.totals[a.result] + 1 };
      return reshow(
        { ...s, selected, totals, run: { ...s.run, done: s.run.done + 1 } },
        rows,
        s.view,
        new Set([a.key]),
      );
    }
    case 'cutFinished': {
      if (!s.run || s.run.id !== a.run) return s;
      // anything the engine did not report on (it threw, or was interrupted) counts as failed
      const reason = a.error ?? 'interrupted';
      let rows = s.rows;
      let failed = 0;
      for (const k of s.run.keys) {
        const r = rows.get(k)?.result;
        if (r?.kind === 'cutting' && r.run === a.run) {
          rows = setResult(rows, k, { kind: 'failed', ms: a.now - s.run.startedAt, reason });
          failed++;
        }
      }
      const totals = { ...s.totals, failed: s.totals.failed + failed };
      const results = s.run.keys.map((k) => rows.get(k)?.result);
      const count = (kind: string) => results.filter((r) => r?.kind === kind).length;
      const summary = a.error
        ? { text: `cut failed: ${a.error}`, tone: 'bad' as const }
        : {
            text: `${count('cut')} cut, ${count('failed')} failed, ${count('skipped')} skipped in ${Math.max(0, Math.round(a.now - s.run.startedAt))} ms`,
            tone: count('failed') > 0 ? ('bad' as const) : ('ok' as const),
          };
      const next = reshow(
        { ...s, run: null, totals, message: summary },
        rows,
        s.view,
        new Set(s.run.keys),
      );
      return s.quit === 'stopping' ? { ...next, quit: 'now' } : next;
    }

    case 'refresh':
      if (s.refreshing) return s;
      return {
        ...s,
        refreshing: true,
        refreshSeq: s.refreshSeq + 1,
        message: { text: 're-reading the conntrack table...', tone: 'info' },
      };
    case 'toggleHelp':
      if (s.mode !== 'browse' && s.mode !== 'help') return s;
      return { ...s, mode: s.mode === 'help' ? 'browse' : 'help' };
    case 'quit':
      if (s.run) {
        if (s.run.aborting) return s;
        return {
          ...s,
          mode: 'browse',
          draft: null,
          confirm: null,
          quit: 'stopping',
          run: { ...s.run, aborting: true },
          message: {
            text: 'stopping: interrupting the cut and removing its temporary firewall rules...',
            tone: 'info',
          },
        };
      }
      return { ...s, quit: 'now' };
    case 'resize':
      return place({ ...s, size: { columns: a.columns, rows: a.rows } }, s.cursor);
    case 'tick':
      return { ...s, now: a.now };
  }
}

/** Live rows (not gone) among those shown. */
export function liveCount(s: TuiState): { shown: number; total: number } {
  let total = 0;
  for (const r of s.rows.values()) if (!r.gone) total++;
  return { shown: s.visible.filter((r) => !r.gone).length, total };
}
