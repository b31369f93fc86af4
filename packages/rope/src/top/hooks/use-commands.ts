// Sends each command the reducer put in the outbox, once, and reports its answer.
import { useEffect, useRef, type Dispatch } from 'react';
import type { TopSource } from '../ports.js';
import type { TopAction } from '../state/actions.js';
import type { TopCommand } from '../state/commands.js';

export function useCommands(
  source: TopSource,
  outbox: readonly TopCommand[],
  dispatch: Dispatch<TopAction>,
  now: () => number,
): void {
  const sent = useRef(new Set<number>()).current;
  useEffect(() => {
    for (const c of outbox) {
      if (sent.has(c.id)) continue;
      sent.add(c.id);
      const { id, ...request } = c;
      void source
        .run(request)
        .then((outcome) => dispatch({ type: 'commandDone', id, outcome, now: now() }));
    }
  }, [outbox, source, dispatch, now, sent]);
}
