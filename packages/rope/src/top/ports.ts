// What the view needs from the world: a snapshot of rope run (counters and entries) and a way to
// send it commands. The real one talks to the control socket (control-source.ts); tests pass a
// fake that answers at once.
import type { Outcome } from '../control/errors.js';
import type { ControlStats, ListResult } from '../control/target.js';
import type { CommandRequest } from './state/commands.js';

export interface TopSnapshot {
  stats: ControlStats;
  list: ListResult;
}

export interface TopSource {
  /** Where it looks, for the title (the socket's path). */
  readonly where: string;
  poll(): Promise<Outcome<TopSnapshot>>;
  run(c: CommandRequest): Promise<Outcome<unknown>>;
  close(): void;
}
