// Runs the cut the state asks for (`run`): hands the rows' connections to the cutter, reports
// each result as it comes and the end of the run, and aborts it when the state says so (quit
// while cutting). Every result is also kept for the outcome the view returns.
import { useEffect, useRef, type Dispatch } from 'react';
import type { CutResult } from '../../cut/result.js';
import type { Connection } from '../../find/connection.js';
import type { ConnectionCutter } from '../ports.js';
import type { TuiAction } from '../state/actions.js';
import type { TuiState } from '../state/tui-state.js';

export function useCutRunner(
  state: TuiState,
  cutter: ConnectionCutter,
  dispatch: Dispatch<TuiAction>,
  now: () => number,
  results: CutResult[],
): void {
  const started = useRef(new Set<number>());
  const controllers = useRef(new Map<number, AbortController>());
  const run = state.run;

  useEffect(() => {
    if (!run || started.current.has(run.id)) return;
    started.current.add(run.id);
    const connections = run.keys
      .map((k) => state.rows.get(k)?.connection)
      .filter((c): c is Connection => c !== undefined);
    const ac = new AbortController();
    controllers.current.set(run.id, ac);
    const id = run.id;
    cutter
      .cut(connections, {
        signal: ac.signal,
        onResult: (r) => {
          results.push(r);
          dispatch({
            type: 'cutResult',
            run: id,
            key: r.connection.key,
            result: r.result,
            ms: r.ms,
            reason: r.reason,
            ...(r.method ? { method: r.method } : {}),
            ...(r.conntrackDeleted ? { deleted: true } : {}),
            now: now(),
          });
        },
      })
      .then(
        () => dispatch({ type: 'cutFinished', run: id, now: now() }),
        (e: unknown) =>
          dispatch({
            type: 'cutFinished',
            run: id,
            error: (e instanceof Error ? e.message : String(e)).split('\n')[0],
            now: now(),
          }),
      )
      .finally(() => controllers.current.delete(id));
    // the rows are read when the run starts; later changes do not restart it
  }, [run?.id]);

  useEffect(() => {
    if (run?.aborting) controllers.current.get(run.id)?.abort();
  }, [run?.id, run?.aborting]);
}
