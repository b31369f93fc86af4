// Network namespaces for tests, benchmarks and the lab: unique names per run, commands run inside
// them, and removal of everything this process created, also on failure, SIGINT and SIGTERM.
// All names start with LAB_PREFIX so `npm run lab -- down` can find what a crashed run left.
import { spawn, spawnSync, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const LAB_PREFIX = 'p2pw';

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** Resolve/return a non-zero exit instead of throwing CommandError. */
  allowFail?: boolean;
  /** Written to the command's standard input. */
  input?: string;
  /** Killed (SIGKILL) after this long; default 60 s. */
  timeoutMs?: number;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

export class CommandError extends Error {
  override name = 'CommandError';
  constructor(
    readonly argv: string[],
    readonly result: RunResult,
  ) {
    super(
      `\`${argv.join(' ')}\` exited with ${result.code}: ${result.stderr.trim() || result.stdout.trim()}`,
    );
  }
}

/** Runs a command to completion; throws CommandError on a non-zero exit unless `allowFail`. */
export function run(argv: string[], opts: RunOptions = {}): RunResult {
  const r = spawnSync(argv[0], argv.slice(1), {
    encoding: 'utf8',
    input: opts.input,
    timeout: opts.timeoutMs ?? 60_000,
    maxBuffer: 64 * 1024 * 1024,
    cwd: opts.cwd,
    env: opts.env,
  });
  const result = {
    code: r.status ?? (r.signal ? 128 : 1),
    stdout: r.stdout ?? '',
    stderr: r.stderr ?? String(r.error ?? ''),
  };
  if (r.error && !result.stderr) result.stderr = String(r.error);
  if (result.code !== 0 && !opts.allowFail) throw new CommandError(argv, result);
  return result;
}

/** Async variant of `run` (does not block the event loop). */
export function runAsync(argv: string[], opts: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0], argv.slice(1), {
      stdio: ['pipe', 'pipe', 'pipe'],
      cwd: opts.cwd,
      env: opts.env,
    });
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
    // A command that does not read its input closes the pipe early; that is not an error.
    child.stdin.on('error', () => {});
    child.stdin.end(opts.input ?? '');
  });
}

const created = new Set<string>();
const children = new Set<ChildProcess>();
const tempPaths = new Set<string>();
let hooked = false;

/** Signals a child started with spawnIn and everything in its process group (never throws). */
export function killGroup(c: ChildProcess, signal: NodeJS.Signals): void {
  try {
    if (c.pid) process.kill(-c.pid, signal);
  } catch {
    try {
      c.kill(signal);
    } catch {
      /* already gone */
    }
  }
}

function cleanupSync(): void {
  for (const c of children)
    if (c.exitCode === null && c.signalCode === null) killGroup(c, 'SIGKILL');
  children.clear();
  for (const ns of created) removeNamespace(ns);
  for (const p of tempPaths) rmSync(p, { recursive: true, force: true });
  tempPaths.clear();
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

/**
 * Creates a namespace `p2pw-<id>-<role>` with loopback up. Removed at exit unless `keep`
 * (a lab brought up by `npm run lab -- up` outlives the command that made it).
 */
export function createNamespace(id: string, role: string, opts: { keep?: boolean } = {}): string {
  hookExit();
  const name = `${LAB_PREFIX}-${id}-${role}`;
  run(['ip', 'netns', 'add', name]);
  if (!opts.keep) {
    created.add(name);
    markOwner(name);
  }
  try {
    run(['ip', '-n', name, 'link', 'set', 'lo', 'up']);
  } catch (e) {
    removeNamespace(name);
    throw e;
  }
  return name;
}

/** Kills every process left in the namespace, then deletes it. Never throws. */
export function removeNamespace(name: string): void {
  const pids = namespacePids(name);
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
  run(['ip', 'netns', 'del', name], { allowFail: true });
  created.delete(name);
  rmSync(ownerFile(name), { force: true });
  // Per-namespace files for `ip netns exec` (resolv.conf of a lab host).
  rmSync(`/etc/netns/${name}`, { recursive: true, force: true });
}

/** Where the pid of the process that owns a namespace is noted (see namespaceOwner). */
export function ownerDir(): string {
  return join(tmpdir(), `${LAB_PREFIX}-owners`);
}

function ownerFile(name: string): string {
  return join(ownerDir(), name);
}

function markOwner(name: string): void {
  try {
    mkdirSync(ownerDir(), { recursive: true });
    writeFileSync(ownerFile(name), `${process.pid}\n`);
  } catch {
    /* only a hint for `lab down`; the namespace works without it */
  }
}

/**
 * Pid of the live process that created a namespace and will remove it at its exit, or null (no
 * owner noted, or the owner is gone: a crashed run, or a lab made by `lab up`).
 */
export function namespaceOwner(name: string): number | null {
  let pid: number;
  try {
    pid = Number(readFileSync(ownerFile(name), 'utf8').trim());
  } catch {
    return null;
  }
  if (!Number.isInteger(pid) || pid <= 0) return null;
  try {
    process.kill(pid, 0);
    return pid;
  } catch {
    return null;
  }
}

/** Processes living in a namespace (`ip netns pids`). */
export function namespacePids(name: string): number[] {
  return run(['ip', 'netns', 'pids', name], { allowFail: true })
    .stdout.split(/\s+/)
    .filter(Boolean)
    .map(Number);
}

/** Namespaces whose names carry the lab prefix (what `lab down` removes). */
export function listLabNamespaces(): string[] {
  return run(['ip', 'netns', 'list'], { allowFail: true })
    .stdout.split('\n')
    .map((l) => l.split(' ')[0])
    .filter((n) => n.startsWith(`${LAB_PREFIX}-`));
}

export function execIn(ns: string, argv: string[], opts: RunOptions = {}): RunResult {
  return run(['ip', 'netns', 'exec', ns, ...argv], opts);
}

export function execInAsync(ns: string, argv: string[], opts: RunOptions = {}): Promise<RunResult> {
  return runAsync(['ip', 'netns', 'exec', ns, ...argv], opts);
}

/**
 * Starts a long-running process inside a namespace, in its own process group so it and its
 * children can be killed together. Killed at exit if still running.
 */
export function spawnIn(ns: string, argv: string[], opts: SpawnOptions = {}): ChildProcess {
  hookExit();
  const child = spawn('ip', ['netns', 'exec', ns, ...argv], {
    stdio: 'pipe',
    ...opts,
    detached: true,
  });
  children.add(child);
  child.on('exit', () => children.delete(child));
  // Without a listener a failed spawn (ENOENT) would be an uncaught exception.
  child.on('error', () => children.delete(child));
  return child;
}

/** Stops a process started with spawnIn: SIGTERM to its group, SIGKILL after `graceMs`. */
export async function stopProcess(child: ChildProcess, graceMs = 2000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const done = new Promise<void>((r) => child.once('exit', () => r()));
  killGroup(child, 'SIGTERM');
  const timer = setTimeout(() => killGroup(child, 'SIGKILL'), graceMs);
  await done;
  clearTimeout(timer);
  // The leader may exit before the rest of its group (a shell's children): finish them too.
  killGroup(child, 'SIGKILL');
}

/** Removes a file or directory at exit (or when `releaseTempPath` is called first). */
export function trackTempPath(path: string): void {
  hookExit();
  tempPaths.add(path);
}

export function releaseTempPath(path: string, remove = true): void {
  tempPaths.delete(path);
  if (remove) rmSync(path, { recursive: true, force: true });
}

/** Sets sysctls inside a namespace (`net.ipv4.ip_forward` style keys). */
export function sysctlIn(ns: string, values: Record<string, string | number>): void {
  const args = Object.entries(values).map(([k, v]) => `${k}=${v}`);
  if (args.length > 0) execIn(ns, ['sysctl', '-q', '-w', ...args]);
}
