// Cutting, as the view lives it: a request, the one-key confirmation, the run the App starts
// (`run`), per-connection results, the end of the run — and quitting, which first aborts a
// running cut and waits for it to remove its firewall rules.
import type { TuiAction } from './actions.js';
import { reshow, setResult } from './placement.js';
import { plural, type TuiState } from './tui-state.js';

export type CutAction = Extract<
  TuiAction,
  { type: 'requestCut' | 'confirmCut' | 'cancelCut' | 'cutResult' | 'cutFinished' | 'quit' }
>;

export function reduceCut(s: TuiState, a: CutAction): TuiState {
  switch (a.type) {
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
      // anything the cut did not report on (it threw, or was interrupted) counts as failed
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
            text: `${count('cut')} cut, ${count('failed')} failed, ${count('skipped')} skipped${count('closing') > 0 ? `, ${count('closing')} already closing` : ''} in ${Math.max(0, Math.round(a.now - s.run.startedAt))} ms`,
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
  }
}
