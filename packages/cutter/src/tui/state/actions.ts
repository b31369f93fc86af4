// Everything that can happen to the interactive view: keys (already mapped to intents by
// keys.ts), what the kernel reports, what the cut engine reports, the clock and the terminal.
// Times are passed in (`now`, ms since the epoch) so the reducer stays pure.
import type { Connection } from '../../find/connection.js';
import type { CutMethod, CutOutcome } from '../../cut/result.js';
import type { KeyPress } from '../keys.js';
import type { SnapshotReason } from '../ports.js';
import type { RowEvent } from './rows.js';

export type TuiAction =
  // a key as Ink parsed it; the reducer maps it through keyToIntent in the current mode
  | { type: 'key'; input: string; key: KeyPress; now: number }
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
  // cutting: request → one-key confirmation → run → per-connection results → finished
  | { type: 'requestCut' }
  | { type: 'confirmCut'; now: number }
  | { type: 'cancelCut' }
  | {
      type: 'cutResult';
      run: number;
      key: string;
      result: CutOutcome;
      ms: number;
      reason: string;
      method?: CutMethod;
      /** The engine deleted the conntrack entry: the row is gone (no event may say so). */
      deleted?: boolean;
      now: number;
    }
  | { type: 'cutFinished'; run: number; error?: string; now: number }
  // the rest
  | { type: 'refresh' }
  | { type: 'toggleHelp' }
  | { type: 'quit' }
  | { type: 'resize'; columns: number; rows: number }
  | { type: 'tick'; now: number };

export type TuiActionType = TuiAction['type'];
