// Everything that can happen to the interactive view, as the reducer sees it: what the user asks
// for (intents — keys.ts maps key presses to these; the reducer never sees a key), and what the
// kernel, the cutter, the clock and the terminal report. Times are passed in (`now`, ms since the
// epoch) so the reducer stays pure.
import type { Connection } from '../../find/connection.js';
import type { CutMethod, CutOutcome } from '../../cut/result.js';
import type { SnapshotReason } from '../ports.js';
import type { RowEvent } from './rows.js';

/** What the user asks for. */
export type Intent =
  // navigation and selection
  | { type: 'move'; delta: number }
  | { type: 'page'; direction: 1 | -1 }
  | { type: 'moveTo'; where: 'first' | 'last' }
  | { type: 'toggleSelect' }
  | { type: 'selectAllVisible' }
  // the `/` filter prompt
  | { type: 'openFilter' }
  | { type: 'filterType'; text: string }
  | { type: 'filterBackspace' }
  | { type: 'filterClearLine' }
  | { type: 'filterCommit' }
  | { type: 'filterCancel' }
  // cutting: request → one-key confirmation (the run starts at `now`)
  | { type: 'requestCut' }
  | { type: 'confirmCut'; now: number }
  | { type: 'cancelCut' }
  // the rest
  | { type: 'refresh' }
  | { type: 'toggleHelp' }
  | { type: 'quit' };

/** What the outside world reports. */
export type WorldEvent =
  // from the connection source
  | {
      type: 'snapshot';
      connections: readonly Connection[];
      reason: SnapshotReason;
      now: number;
      takenAt?: number;
    }
  | { type: 'events'; events: readonly RowEvent[]; now: number }
  | { type: 'sourceError'; message: string }
  // from the cutter: per-connection results, then the end of the run
  | {
      type: 'cutResult';
      run: number;
      key: string;
      result: CutOutcome;
      ms: number;
      reason: string;
      method?: CutMethod;
      /** The cut deleted the conntrack entry: the row is gone (no event may say so). */
      deleted?: boolean;
      now: number;
    }
  | { type: 'cutFinished'; run: number; error?: string; now: number }
  // the terminal and the clock
  | { type: 'resize'; columns: number; rows: number }
  | { type: 'tick'; now: number };

export type TuiAction = Intent | WorldEvent;

export type TuiActionType = TuiAction['type'];
