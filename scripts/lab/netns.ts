// Network namespaces for tests, benchmarks and the lab: unique names per run, commands run inside
// them, and removal of everything this process created, also on failure, SIGINT and SIGTERM.
// All names start with LAB_PREFIX so `npm run lab -- down` can find what a crashed run left.
import { spawn, spawnSync, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { randomBytes } from 'node:crypto';

export const LAB_PREFIX = 'p2pw';

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export class CommandError extends Error {
  override name = 'CommandError';
  constructor(
    readonly argv: string[],
    readonly result: RunResult,
  ) {
    super(`\`${argv.join(' ')}\` exited with ${result.code}: ${result.stderr.trim() || result.stdout.trim()}`);
  }
}

/** Runs a command to completion; throws CommandError on a non-zero exit unless `allowFail`. */
export function run(argv: string[], opts: { allowFail?: boolean; input?: string; timeoutMs?: number } = {}): RunResult {
  const r = spawnSync(argv[0], argv.slice(1), {
    encoding: 'utf8',
    input: opts.input,
    timeout: opts.timeoutMs ?? 60_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  const result = { code: r.status ?? (r.signal ? 128 : 1), stdout: r.stdout ?? '', stderr: r.stderr ?? String(r.error ?? '') };
  if (result.code !== 0 && !opts.allowFail) throw new CommandError(argv, result);
  return result;
}

/** Async variant of `run` (does not block the event loop). */
export function runAsync(argv: string[], opts: { allowFail?: boolean; input?: string; timeoutMs?: number } = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0], argv.slice(1), { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const result = { code: code ?? (signal ? 128 : 1), stdout, stderr };
      if (result.code !== 0 && !opts.allowFail) reject(new CommandError(argv, result));
      else resolve(result);
    });
    child.stdin.end(opts.input ?? '');
  });
}

const created = new Set<string>();
const children = new Set<ChildProcess>();
let hooked = false;

function cleanupSync(): void {
  for (const c of children) {
    try {
      if (c.pid && c.exitCode === null) process.kill(-c.pid, 'SIGKILL');
    } catch {
      try {
        c.kill('SIGKILL');
      } catch {
        /* already gone */
      }
    }
  }
  children.clear();
  for (const ns of created) removeNamespace(ns);
}

function hookExit(): void {
  if (hooked) return;
  hooked = true;
  process.on('exit', cleanupSync);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(sig, () => {
      cleanupSync();
      process.exit(128 + (sig === 'SIGINT' ? 2 : sig === 'SIGTERM' ? 15 : 1));
    });
  }
}

/** A fresh run id: short, so interface names (15 chars max) can carry it. */
export function runId(): string {
  return randomBytes(3).toString('hex');
}

/** Creates a namespace `p2pw-<id>-<role>` with loopback up. Removed at exit. */
export function createNamespace(id: string, role: string): string {
  hookExit();
  const name = `${LAB_PREFIX}-${id}-${role}`;
  run(['ip', 'netns', 'add', name]);
  created.add(name);
  run(['ip', '-n', name, 'link', 'set', 'lo', 'up']);
  return name;
}

/** Kills every process left in the namespace, then deletes it. Never throws. */
export function removeNamespace(name: string): void {
  const pids = run(['ip', 'netns', 'pids', name], { allowFail: true }).stdout.split(/\s+/).filter(Boolean);
  for (const pid of pids) {
    try {
      process.kill(Number(pid), 'SIGKILL');
    } catch {
      /* gone */
    }
  }
  run(['ip', 'netns', 'del', name], { allowFail: true });
  created.delete(name);
}

/** Namespaces whose names carry the lab prefix (what `lab down` removes). */
export function listLabNamespaces(): string[] {
  return run(['ip', 'netns', 'list'], { allowFail: true })
    .stdout.split('\n')
    .map((l) => l.split(' ')[0])
    .filter((n) => n.startsWith(`${LAB_PREFIX}-`));
}

export function execIn(ns: string, argv: string[], opts: { allowFail?: boolean; input?: string; timeoutMs?: number } = {}): RunResult {
  return run(['ip', 'netns', 'exec', ns, ...argv], opts);
}

export function execInAsync(ns: string, argv: string[], opts: { allowFail?: boolean; input?: string; timeoutMs?: number } = {}): Promise<RunResult> {
  return runAsync(['ip', 'netns', 'exec', ns, ...argv], opts);
}

/**
 * Starts a long-running process inside a namespace, in its own process group so it and its
 * children can be killed together. Killed at exit if still running.
 */
export function spawnIn(ns: string, argv: string[], opts: SpawnOptions = {}): ChildProcess {
  hookExit();
  const child = spawn('ip', ['netns', 'exec', ns, ...argv], { stdio: 'pipe', ...opts, detached: true });
  children.add(child);
  child.on('exit', () => children.delete(child));
  return child;
}

/** Stops a process started with spawnIn: SIGTERM to its group, SIGKILL after `graceMs`. */
export async function stopProcess(child: ChildProcess, graceMs = 2000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const done = new Promise<void>((r) => child.once('exit', () => r()));
  try {
    if (child.pid) process.kill(-child.pid, 'SIGTERM');
  } catch {
    /* gone */
  }
  const timer = setTimeout(() => {
    try {
      if (child.pid) process.kill(-child.pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }, graceMs);
  await done;
  clearTimeout(timer);
}
