// The trace/diagnostic channel of a run: `--trace` output, `print`/`dump` text, and notes on why
// an expectation failed. Without a sink (the normal case) nothing is formatted at all.
import type { Machine } from './machine.js';
import type { Site } from './site.js';
import type { Status } from './verdict.js';

export interface TraceSink {
  /** After each executed operation: the machine shows the stack, `$offset`, action count. */
  step?(m: Machine, site: Site, status: Status): void;
  /** Text from `print`, `println`, `dump` (println/dump end lines with "\n"). */
  print(text: string): void;
  /** Why a run is taking the path it takes (a failed expect, a caught error in eval). */
  note?(site: Site, text: string): void;
}
