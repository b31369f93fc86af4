// What a cut reports per connection: the outcome, why, how long it took, and what each end did.
import type { Connection } from '../find/connection.js';

/**
 * `closing`: the connection was closing already (TIME_WAIT, CLOSE, or its local socket gone) and
 * was left alone — not a failure.
 */
export type CutOutcome = 'cut' | 'failed' | 'skipped' | 'closing';

/** How the connection was ended. */
export type CutMethod = 'rst' | 'sock-destroy' | 'conntrack-delete';

export interface EndReport {
  /** The end was seen reset: it answered a probe with RST, or its socket was destroyed here. */
  reset: boolean;
  /** RSTs forged towards it. */
  rsts: number;
  /** Probes sent to it. */
  probes: number;
  /** Packets of it seen during the cut. */
  seen: number;
  /** ms from the start of this connection's cut to its confirmed reset. */
  ms?: number;
}

export interface CutResult {
  connection: Connection;
  result: CutOutcome;
  /** Why it failed, was skipped or is closing; for a cut, notes worth knowing (may be empty). */
  reason: string;
  method?: CutMethod;
  /** ms from the start of this connection's cut to its outcome. */
  ms: number;
  initiator?: EndReport;
  responder?: EndReport;
  /** The conntrack entry was deleted (by its CTA_ID) after the cut. */
  conntrackDeleted?: boolean;
  /** For --drop-udp: the tuple is blocked until this time (ms since the epoch). */
  blockedUntil?: number;
}
