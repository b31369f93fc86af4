// At the start of every cutter that may cut: the temporary rules a killed cutter left (SIGKILL
// cannot be caught, so its exit hooks never ran) are removed, and cutter says so — one line on
// stderr, or with --json a `leftovers-removed` event line. Rules of live cutters are never touched:
// cleanupStale checks each owner's pid, start time and pid namespace (core/firewall).
import { cleanupStale, type StaleRules } from '@p2pwall/core/firewall';
import { RULE_OWNER } from '../cut/options.js';
import { jsonEventLine } from './output.js';

export interface LeftoverOutput {
  json: boolean;
  /** Where the --json event line goes (stdout). */
  out: (line: string) => void;
  /** Where the text line and problems go (stderr, already prefixed "cutter: "). */
  err: (line: string) => void;
}

/** One rule set removed, as a person reads it. */
export function describeLeftover(r: StaleRules): string {
  return `${r.backend} ${r.backend === 'nft' ? 'table' : 'chains'} ${r.name} (pid ${r.pid})`;
}

/** The text line for what was removed. */
export function leftoversLine(removed: readonly StaleRules[]): string {
  return `removed the temporary rules of ${removed.length === 1 ? 'a cutter that was' : `${removed.length} cutters that were`} killed: ${removed.map(describeLeftover).join(', ')}`;
}

/** The --json event line for what was removed. */
export function leftoversJsonLine(removed: readonly StaleRules[], now = new Date()): string {
  return jsonEventLine(
    'leftovers-removed',
    { removed: removed.map((r) => ({ backend: r.backend, name: r.name, pid: r.pid })) },
    now,
  );
}

/** Removes dead cutters' leftovers and reports them; a failure here only warns (the cut goes on). */
export function removeLeftovers(o: LeftoverOutput, find = () => cleanupStale(RULE_OWNER)): void {
  let removed: StaleRules[];
  try {
    removed = find();
  } catch (e) {
    o.err(`could not remove the rules of killed cutters: ${(e as Error).message}`);
    return;
  }
  if (removed.length === 0) return;
  if (o.json) o.out(leftoversJsonLine(removed));
  else o.err(leftoversLine(removed));
}
