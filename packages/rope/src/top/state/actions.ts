// Everything that changes rope top's state: what the socket answered, keys, the clock, the
// terminal's size, and the end of a command. Time-stamped actions carry `now` so the reducer
// stays pure.
import type { ControlError, Outcome } from '../../control/errors.js';
import type { ControlStats, ListResult } from '../../control/target.js';
import type { KeyPress } from '@p2pwall/tui';

export type TopAction =
  /** A poll got both answers. */
  | { type: 'polled'; now: number; stats: ControlStats; list: ListResult }
  /** A poll failed: rope run is gone (or never was), or did not answer. */
  | { type: 'pollFailed'; now: number; error: ControlError }
  | { type: 'key'; input: string; key: KeyPress; now: number }
  | { type: 'tick'; now: number }
  | { type: 'resize'; columns: number; rows: number }
  /** A command from the outbox was answered. */
  | { type: 'commandDone'; id: number; outcome: Outcome<unknown>; now: number };
