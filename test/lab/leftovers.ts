// What a lab may leave behind, looked for everywhere it could be: namespaces, processes (by pid
// and by any command line naming the lab), per-namespace files under /etc/netns, owner notes,
// the work directory. An empty list means the lab is entirely gone.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LAB_PREFIX, listLabNamespaces, ownerDir } from '../../tools/lab/netns.js';
import { labWorkDir } from '../../tools/lab/topology.js';

/** Running and not a zombie (a killed process is gone once its parent or init has reaped it). */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

export function processesMentioning(text: string): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      const cmd = readFileSync(join('/proc', name, 'cmdline'), 'utf8').replace(/\0/g, ' ');
      if (cmd.includes(text)) out.push(Number(name));
    } catch {
      /* exited meanwhile */
    }
  }
  return out;
}

export function leftovers(id: string, pids: number[] = []): string[] {
  const problems: string[] = [];
  const prefix = `${LAB_PREFIX}-${id}-`;
  const namespaces = listLabNamespaces().filter((n) => n.startsWith(prefix));
  if (namespaces.length) problems.push(`namespaces ${namespaces.join(', ')}`);
  const live = pids.filter(alive);
  if (live.length) problems.push(`processes still running: ${live.join(', ')}`);
  const mentioning = [...processesMentioning(labWorkDir(id)), ...processesMentioning(prefix)];
  if (mentioning.length)
    problems.push(`processes naming the lab: ${[...new Set(mentioning)].join(', ')}`);
  if (existsSync(labWorkDir(id))) problems.push(`work directory ${labWorkDir(id)}`);
  if (existsSync('/etc/netns')) {
    const files = readdirSync('/etc/netns').filter((n) => n.startsWith(prefix));
    if (files.length) problems.push(`/etc/netns entries ${files.join(', ')}`);
  }
  if (existsSync(ownerDir())) {
    const owners = readdirSync(ownerDir()).filter((n) => n.startsWith(prefix));
    if (owners.length) problems.push(`owner notes ${owners.join(', ')}`);
  }
  return problems;
}

/**
 * `leftovers`, polled until empty or `timeoutMs` passes: SIGKILL is delivered asynchronously, so
 * a process killed during teardown may still be exiting for a moment.
 */
export async function leftoversAfter(
  id: string,
  pids: number[] = [],
  timeoutMs = 3000,
): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const problems = leftovers(id, pids);
    if (problems.length === 0 || Date.now() > deadline) return problems;
    await new Promise((r) => setTimeout(r, 50));
  }
}
