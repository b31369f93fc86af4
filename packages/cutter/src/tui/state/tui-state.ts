// The interactive view's state: the rows, what is shown of them and where the cursor is, the
// prompt or confirmation in progress, the running cut, and what the App is asked to do — start a
// cut (`run`), re-dump (`refreshSeq`), exit (`quit`). Changed only by the reducer (reducer.ts).
import type { TerminalSize } from '@p2pwall/tui';
import type { Row } from './rows.js';
import type { ViewFilter } from './view-filter.js';

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
  totals: { cut: number; failed: number; skipped: number; closing: number };
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
    totals: { cut: 0, failed: 0, skipped: 0, closing: 0 },
    message: null,
    refreshSeq: 0,
    refreshing: false,
    size: options.size,
    startedAt: options.now,
    now: options.now,
    quit: 'no',
  };
}

/** Live rows (not gone) among those shown. */
export function liveCount(s: TuiState): { shown: number; total: number } {
  let total = 0;
  for (const r of s.rows.values()) if (!r.gone) total++;
  return { shown: s.visible.filter((r) => !r.gone).length, total };
}

/** "1 connection", "2 connections". */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
