// Running core netlink operations inside a test's own namespace (see helpers/netlink-op.ts).
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { nodeArgv } from '../../tools/lab/host.js';
import { execIn, spawnIn } from '../../tools/lab/netns.js';
import { repoRoot } from '../support/environment.js';

const HELPER = join(repoRoot, 'test', 'core', 'helpers', 'netlink-op.ts');

/** argv that runs one operation of helpers/netlink-op.ts. */
export function helperArgv(cmd: Record<string, unknown>): string[] {
  return nodeArgv([HELPER, JSON.stringify(cmd)]);
}

/** Runs one operation in `ns` and returns its JSON result (throws with the helper's error). */
export function op<T = any>(ns: string, cmd: Record<string, unknown>): T {
  const r = execIn(ns, helperArgv(cmd), { allowFail: true, cwd: repoRoot });
  const last = r.stdout.trim().split('\n').pop() ?? '';
  let out: any;
  try {
    out = JSON.parse(last);
  } catch {
    throw new Error(
      `netlink-op ${cmd.op} printed no JSON (exit ${r.code}): ${r.stderr.trim() || r.stdout.trim()}`,
    );
  }
  if (r.code !== 0)
    throw Object.assign(new Error(out?.error ?? `exit ${r.code}`), {
      code: out?.code,
      fault: out?.fault,
    });
  return out as T;
}

/** Starts a long-running operation (watch, nflog); resolves once it printed "ready". */
export async function background(
  ns: string,
  cmd: Record<string, unknown>,
): Promise<{ child: ChildProcess; result: Promise<any> }> {
  const child = spawnIn(ns, helperArgv(cmd), { cwd: repoRoot });
  let out = '';
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  let readyResolve!: () => void;
  const ready = new Promise<void>((r) => (readyResolve = r));
  child.stdout!.on('data', (d) => {
    out += d;
    if (/^ready\b/m.test(out)) readyResolve();
  });
  const result = new Promise<any>((resolve, reject) => {
    child.on('exit', (code) => {
      const last = out.trim().split('\n').pop() ?? '';
      try {
        resolve(JSON.parse(last));
      } catch {
        reject(new Error(`netlink-op ${cmd.op} exited ${code}: ${err.trim() || out.trim()}`));
      }
    });
  });
  await Promise.race([
    ready,
    result.then(
      () => {},
      () => {},
    ),
  ]);
  return { child, result };
}

/** The entries `conntrack -L` prints, keyed by id (`-o id`). */
export function conntrackList(ns: string, args: string[] = []): Map<number, string> {
  const r = execIn(ns, ['conntrack', '-L', '-o', 'id', ...args], { allowFail: true });
  const out = new Map<number, string>();
  for (const line of r.stdout.split('\n')) {
    const m = / id=(\d+)/.exec(line);
    if (m) out.set(Number(m[1]), line.trim());
  }
  return out;
}

/** Conntrack is off in a fresh namespace until a rule uses it. */
export function activateConntrack(ns: string): void {
  execIn(ns, ['nft', '-f', '-'], {
    input:
      'table inet p2pw_test {\n  chain out {\n    type filter hook output priority 0;\n    ct state new counter\n  }\n  chain pre {\n    type filter hook prerouting priority 0;\n    ct state new counter\n  }\n}\n',
  });
}
