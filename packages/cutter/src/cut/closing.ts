// Connections already on their way out need no cut, and are no failure either: TIME_WAIT and CLOSE
// entries only wait for conntrack to expire them, and a local connection whose socket is gone by
// the time of the cut is answered with RSTs by this machine's own stack. cut() reports them with
// the outcome 'closing'; cutter leaves them out of its per-connection output unless asked.
import type { Connection } from '../find/connection.js';

const CLOSING_STATES = new Set(['TIME_WAIT', 'CLOSE']);

/** Why `c` needs no cut because it is closing already (null when it is not). */
export function alreadyClosing(c: Connection): string | null {
  return c.state && CLOSING_STATES.has(c.state) ? `already closing (${c.state})` : null;
}

/** The reason reported for a local connection whose socket closed between listing and cut. */
export const NO_LIVE_SOCKET = 'already closing (no live socket left to cut)';
