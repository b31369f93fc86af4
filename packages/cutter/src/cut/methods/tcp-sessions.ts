// Running CutSessions inside a cut, the same way for every method that forges packets: a session
// is routed its endpoints' packets from the start, its outcome is settled (the conntrack entry of
// a cut connection deleted, the result reported), and whatever still runs when the cut stops ends
// as "interrupted".
import type { Connection } from '../../find/connection.js';
import { deleteEntry } from '../delete-entry.js';
import { CutSession } from '../session.js';
import type { CutContext } from './method.js';

/** A session for `c` whose endpoints' packets reach it; not begun yet. */
export function openSession(c: Connection, ctx: CutContext): CutSession {
  const packets = ctx.packets!;
  const s = new CutSession(c, packets.io, ctx.session);
  packets.capture.add(s);
  return s;
}

/** Waits for the outcome of a begun session, deletes the entry if it was cut, reports it. */
export async function settle(s: CutSession, ctx: CutContext): Promise<void> {
  const r = await s.done;
  ctx.packets!.capture.remove(s);
  if (r.result === 'cut' && ctx.options.deleteEntries !== false)
    r.conntrackDeleted = await deleteEntry(ctx.conntrack, s.connection);
  ctx.report(r);
}

/**
 * Ends every session in `sessions` (which may still grow) as "interrupted" when `stop` fires.
 * Returns the function that detaches this: one listener per method, not per session.
 */
export function interruptOnStop(sessions: readonly CutSession[], stop: AbortSignal): () => void {
  const interrupt = () => {
    for (const s of sessions) s.abort('interrupted');
  };
  stop.addEventListener('abort', interrupt);
  return () => stop.removeEventListener('abort', interrupt);
}
