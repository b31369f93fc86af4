// Timing helpers shared by the benchmark sections: a median of repeated in-process passes after a
// warm-up, and the wall time of a command's run and its median (a peer tool, or ours as users
// start it; start-up included).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { onPath, repoRoot } from '../../test/support/environment.js';
import type { BenchContext } from './frame.js';

export interface Pass {
  seconds: number;
  packets: number;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Median time of one `fn()`; each sample repeats it for at least 250 ms so timer noise vanishes. */
export function timed(fn: () => number, runs: number): Pass {
  // warm-up for half a second: page cache, and the JIT's top tier (earlier samples run slower)
  let packets = 0;
  let count = 0;
  const t = process.hrtime.bigint();
  let elapsed = 0;
  while (elapsed < 0.5 || count < 2) {
    packets = fn();
    count++;
    elapsed = Number(process.hrtime.bigint() - t) / 1e9;
  }
  const once = elapsed / count;
  const repeat = Math.max(1, Math.ceil(0.25 / Math.max(once, 1e-6)));
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    for (let k = 0; k < repeat; k++) fn();
    times.push(Number(process.hrtime.bigint() - t0) / 1e9 / repeat);
  }
  return { seconds: median(times), packets };
}

/**
 * Runs a command (`argv[0]` on PATH, or a path) `runs` times after one warm-up run, from the
 * repository root; returns the median wall time, or null (logged) when it is missing or fails.
 */
export function peer(ctx: BenchContext, argv: readonly string[], runs: number): number | null {
  if (!onPath(argv[0])) {
    ctx.log(`${argv[0]} not found: its row is left out`);
    return null;
  }
  const times: number[] = [];
  for (let i = 0; i < runs + 1; i++) {
    const s = timedRun(ctx, argv);
    if (s === null) return null;
    if (i > 0) times.push(s);
  }
  return median(times);
}

/**
 * One run of `argv` from the repository root, started through `wrapper` when given (GNU time);
 * its wall time in seconds, or null (logged) when it fails.
 */
export function timedRun(
  ctx: BenchContext,
  argv: readonly string[],
  wrapper: readonly string[] = [],
): number | null {
  const [cmd, ...args] = [...wrapper, ...argv];
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, {
    cwd: repoRoot,
    stdio: ['ignore', 'ignore', 'pipe'],
    maxBuffer: 1 << 26,
  });
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) {
    ctx.log(`${argv.join(' ').slice(0, 120)} failed: ${String(r.stderr).slice(0, 400)}`);
    return null;
  }
  return s;
}

/**
 * Peak resident memory so far of a running process (VmHWM in /proc), in bytes; null once it has
 * gone. For the long-running peers and ours (rope run, the C queue loop, tcpkill), read just
 * before they are stopped.
 */
export function peakRssOf(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    const m = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/** GNU time's `-f %M -o FILE` prefix (peak RSS of the command it starts), when installed. */
export function peakRssWrapper(file: string): string[] {
  return existsSync('/usr/bin/time') ? ['/usr/bin/time', '-f', '%M', '-o', file] : [];
}

/** What `peakRssWrapper` wrote, in bytes (null when it did not run or the file is unreadable). */
export function readPeakRss(file: string): number | null {
  try {
    const kb = Number(readFileSync(file, 'utf8').trim().split('\n').pop());
    return Number.isFinite(kb) && kb > 0 ? kb * 1024 : null;
  } catch {
    return null;
  }
}
