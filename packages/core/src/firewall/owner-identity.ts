// Whose temporary rules these are, beyond the pid in their name: a pid is reused once its process
// is gone, so the rules also record the owner's start time (field 22 of /proc/<pid>/stat, clock
// ticks since boot) and its pid namespace. Leftovers are then those whose process is really gone —
// never a live run's rules, whatever process now holds the pid.
import { readFileSync, readlinkSync } from 'node:fs';

export interface OwnerIdentity {
  /** Start time of the owning process, in clock ticks since boot (as /proc shows it). */
  start: string;
  /** Inode of its pid namespace: a pid only means something inside one namespace. */
  pidns: string;
}

/** What /proc says about a process: its state letter and start time, or null when it is gone. */
function procStat(pid: number | 'self'): { state: string; start: string } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // the command name (field 2) is in parentheses and may hold spaces: fields follow the last ')'
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // rest[0] is field 3 (state), so field 22 (starttime) is rest[19]
    return { state: rest[0] ?? '', start: rest[19] ?? '' };
  } catch {
    return null;
  }
}

function pidNamespace(): string | null {
  try {
    return /^pid:\[(\d+)\]$/.exec(readlinkSync('/proc/self/ns/pid'))?.[1] ?? null;
  } catch {
    return null;
  }
}

/** This process's identity, or null where /proc does not tell (then rules record only the pid). */
export function ownIdentity(): OwnerIdentity | null {
  const stat = procStat('self');
  const pidns = pidNamespace();
  return stat && /^\d+$/.test(stat.start) && pidns ? { start: stat.start, pidns } : null;
}

/** The identity as rules carry it in a comment: `start <ticks> pidns <inode>`. */
export function identityText(id: OwnerIdentity): string {
  return `start ${id.start} pidns ${id.pidns}`;
}

/** The identity in a comment (identityText), or null when the comment has none. */
export function parseIdentity(comment: string): OwnerIdentity | null {
  const m = /\bstart (\d+) pidns (\d+)\b/.exec(comment);
  return m ? { start: m[1], pidns: m[2] } : null;
}

/**
 * Whether the process that owns rules is still running: `alive` (or possibly alive: rules of
 * another pid namespace, or without an identity, of a process whose command line could be the
 * owner's), `gone` (no such process, a zombie, or another process that reuses the pid).
 */
export function ownerState(
  pid: number,
  owner: string,
  identity: OwnerIdentity | null,
): 'alive' | 'gone' {
  if (pid === process.pid) return 'alive';
  if (identity) {
    // another namespace's pid cannot be looked up here: never judge it gone
    if (identity.pidns !== pidNamespace()) return 'alive';
    const stat = procStat(pid);
    return stat && stat.state !== 'Z' && stat.start === identity.start ? 'alive' : 'gone';
  }
  // rules written before identities were recorded (or where /proc did not tell): the pid and the
  // command line are all there is. A node process may be the owner run as `node …/main.js`.
  const stat = procStat(pid);
  if (!stat || stat.state === 'Z') return 'gone';
  try {
    const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return cmd.includes(owner.split('-').pop() ?? owner) || cmd.includes('node') ? 'alive' : 'gone';
  } catch {
    return 'gone';
  }
}
