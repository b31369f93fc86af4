// What the interactive view needs from the outside world, as two small interfaces: where
// connections come from and what cuts them. The real ones (live-source.ts, kernel-cutter.ts) talk
// to the kernel; tests pass fakes through the App's props.
import type { ConntrackEventType } from '@p2pwall/core/netlink';
import type { Connection } from '../find/connection.js';
import type { CutResult } from '../cut/result.js';

/**
 * Why a snapshot came: the first dump, a re-dump after the kernel dropped events, a periodic
 * re-dump, or one the user asked for (refresh drops rows kept only to show a cut result).
 */
export type SnapshotReason = 'initial' | 'overrun' | 'poll' | 'refresh';

export interface SourceSink {
  /**
   * The whole matching table. `takenAt` (ms since the epoch) is when the dump began: rows the
   * view learnt about later (from events) are newer than the dump and stay as they are.
   */
  snapshot(connections: Connection[], reason: SnapshotReason, takenAt?: number): void;
  event(type: ConntrackEventType, connection: Connection): void;
  error(e: Error): void;
}

export interface ConnectionSource {
  /** Starts delivering to `sink` (first whatever arrived before, in order); returns unsubscribe. */
  subscribe(sink: SourceSink): () => void;
  /** Re-reads the table; the result arrives as a snapshot with reason 'refresh'. */
  refresh(): Promise<void>;
}

export interface CutHooks {
  onResult(r: CutResult): void;
  /** Aborting ends the cut early; it still removes its temporary rules before resolving. */
  signal: AbortSignal;
}

export interface ConnectionCutter {
  cut(connections: Connection[], hooks: CutHooks): Promise<CutResult[]>;
}
