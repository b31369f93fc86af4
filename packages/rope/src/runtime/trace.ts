// The trace/diagnostic channel of a run: `--trace` output, `print`/`dump` text, and notes on why
// an expectation failed. Without a sink (the normal case) nothing is formatted at all.
import type { Site } from './site.js';
import type { Value } from './values.js';
import type { Status } from './verdict.js';

/**
 * What a sink sees of the machine after a step (the Machine is one). Only this much, so that the
 * machine, which holds its sink, and the sink's view of it do not depend on each other.
 */
export interface TraceView {
  /** The stack, bottom first; items from `sp` up are stale. */
  readonly stack: readonly Value[];
  readonly sp: number;
  /** The cursor and the IP header start, as absolute offsets in the packet buffer. */
  readonly off: number;
  readonly ip: number;
  /** Verbs executed so far in this run. */
  readonly actions: number;
}

export interface TraceSink {
  /** After each executed operation: the machine shows the stack, `$offset`, action count. */
  step?(m: TraceView, site: Site, status: Status): void;
  /** Text from `print`, `println`, `dump` (println/dump end lines with "\n"). */
  print(text: string): void;
  /** Why a run is taking the path it takes (a failed expect, a caught error in eval). */
  note?(site: Site, text: string): void;
}
