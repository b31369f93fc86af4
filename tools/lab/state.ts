// Where `npm run lab -- up` remembers the labs it made, so `status`, `traffic` and `down` (run as
// later, separate commands) can find them; and the sweep `down` does of everything with the lab
// prefix, including what a crashed test left (namespaces, their processes, work directories).
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  LAB_PREFIX,
  listLabNamespaces,
  namespaceOwner,
  namespacePids,
  removeNamespace,
} from './netns.js';
import type { LabState } from './lab-options.js';

/** /run/p2pwall-lab when /run is there (cleared at boot, like the namespaces), else the temp dir. */
export function stateDir(): string {
  return existsSync('/run') ? '/run/p2pwall-lab' : join(tmpdir(), 'p2pwall-lab');
}

export function saveState(state: LabState): string {
  mkdirSync(stateDir(), { recursive: true });
  const file = join(stateDir(), `${state.id}.json`);
  writeFileSync(file, JSON.stringify(state, null, 2) + '\n');
  return file;
}

export function loadStates(): LabState[] {
  const dir = stateDir();
  if (!existsSync(dir)) return [];
  const out: LabState[] = [];
  for (const name of readdirSync(dir).sort()) {
    if (!name.endsWith('.json')) continue;
    try {
      out.push(JSON.parse(readFileSync(join(dir, name), 'utf8')) as LabState);
    } catch {
      /* a half-written file from a crash: `down` removes it */
    }
  }
  return out;
}

export function removeState(id: string): void {
  rmSync(join(stateDir(), `${id}.json`), { force: true });
}

/** Lab ids that have namespaces now (from `p2pw-<id>-<role>`). */
export function liveLabIds(): string[] {
  const ids = new Set<string>();
  for (const ns of listLabNamespaces()) {
    const m = new RegExp(`^${LAB_PREFIX}-([0-9a-f]{6})-`).exec(ns);
    if (m) ids.add(m[1]);
  }
  return [...ids].sort();
}

/** Work directories of labs (`/tmp/p2pw-lab-<id>`). */
export function labWorkDirs(): string[] {
  const re = new RegExp(`^${LAB_PREFIX}-lab-[0-9a-f]{6}$`);
  return readdirSync(tmpdir())
    .filter((n) => re.test(n))
    .map((n) => join(tmpdir(), n));
}

export interface SweepReport {
  namespaces: string[];
  /** Namespaces left alone because the process that made them is still running (a test). */
  inUse: { ns: string; pid: number }[];
  processes: number;
  directories: string[];
  stateFiles: number;
}

/**
 * Removes every namespace with the lab prefix (killing what runs inside), every lab work
 * directory and every state file — or only those of lab `id`. Namespaces whose creating process
 * still runs (a test in progress, which removes them itself) are left alone unless `force`.
 */
export function sweep(id?: string, force = false): SweepReport {
  const match = (s: string) => id === undefined || s.includes(`-${id}`);
  const inUse: { ns: string; pid: number }[] = [];
  const namespaces = listLabNamespaces()
    .filter(match)
    .filter((ns) => {
      const pid = force ? null : namespaceOwner(ns);
      if (pid !== null) inUse.push({ ns, pid });
      return pid === null;
    });
  const busyIds = new Set(inUse.map((u) => u.ns.split('-')[1]));
  let processes = 0;
  for (const ns of namespaces) {
    processes += namespacePids(ns).length;
    removeNamespace(ns);
  }
  const directories = labWorkDirs()
    .filter(match)
    .filter((d) => !busyIds.has(d.slice(-6)));
  for (const d of directories) rmSync(d, { recursive: true, force: true });
  const states = loadStates().filter((s) => id === undefined || s.id === id);
  for (const s of states) removeState(s.id);
  if (id === undefined && existsSync(stateDir())) {
    for (const name of readdirSync(stateDir())) rmSync(join(stateDir(), name), { force: true });
  }
  return { namespaces, inUse, processes, directories, stateFiles: states.length };
}
