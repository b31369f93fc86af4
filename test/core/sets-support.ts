// What the kernel-set tests share: running client calls in a namespace (helpers/set-op.ts), and
// reading back what the kernel holds with the tools an administrator would use (`nft -j list
// set`, `ipset save`), plus ping and polling for the traffic checks.
import { join } from 'node:path';
import { nodeArgv } from '../../tools/lab/host.js';
import { execIn } from '../../tools/lab/netns.js';
import { repoRoot } from '../support/environment.js';

const HELPER = join(repoRoot, 'test', 'core', 'helpers', 'set-op.ts');

export interface CallResult {
  ok?: any;
  error?: string;
  code?: string;
  errno?: number;
  faults?: any[];
}

/**
 * Runs `calls` on one client in `ns` and returns each call's result. `withoutNetAdmin` runs the
 * helper with CAP_NET_ADMIN dropped from its bounding set, so the kernel refuses it (EPERM).
 */
export function setCalls(
  ns: string,
  client: 'nft' | 'ipset',
  calls: { call: string; args: unknown[]; sleepMs?: number }[],
  options: { withoutNetAdmin?: boolean } = {},
): CallResult[] {
  const argv = nodeArgv([HELPER]);
  const drop = options.withoutNetAdmin
    ? ['setpriv', '--bounding-set=-net_admin', '--inh-caps=-net_admin', '--']
    : [];
  const r = execIn(ns, [...drop, ...argv], {
    input: JSON.stringify({ client, calls }),
    allowFail: true,
    cwd: repoRoot,
    timeoutMs: 120_000,
  });
  const last = r.stdout.trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(last);
  } catch {
    throw new Error(
      `set-op printed no JSON (exit ${r.code}): ${r.stderr.trim() || r.stdout.trim()}`,
    );
  }
}

/** The one result of a single call; throws with its error message when it failed. */
export function ok(results: CallResult[], index = 0): any {
  const r = results[index];
  if (r.error !== undefined) throw new Error(`call ${index} failed: ${r.error}`);
  return r.ok;
}

export interface KernelElement {
  key: string;
  /** Seconds, as nft and ipset print them. */
  timeout?: number;
  expires?: number;
}

/** The elements of an nft set as `nft -j list set` reports them, keyed like `192.0.2.1 . 80`. */
export function nftElements(
  ns: string,
  family: string,
  table: string,
  set: string,
): KernelElement[] {
  const out = JSON.parse(execIn(ns, ['nft', '-j', 'list', 'set', family, table, set]).stdout);
  const s = out.nftables.find((o: any) => o.set)?.set;
  const key = (v: any): string =>
    typeof v === 'object' && v.concat ? v.concat.join(' . ') : String(v);
  return (s?.elem ?? []).map((e: any) =>
    typeof e === 'object' && e.elem
      ? { key: key(e.elem.val), timeout: e.elem.timeout, expires: e.elem.expires }
      : { key: key(e) },
  );
}

/** The `add` lines of `ipset save NAME`, keyed as ipset writes them (`192.0.2.1`, `2001:db8::1,tcp:80`). */
export function ipsetElements(ns: string, name: string): KernelElement[] {
  const out = execIn(ns, ['ipset', 'save', name]).stdout;
  return out
    .split('\n')
    .filter((l) => l.startsWith(`add ${name} `))
    .map((l) => {
      const f = l.split(' ');
      const t = f.indexOf('timeout');
      return t > 0 ? { key: f[2], expires: Number(f[t + 1]) } : { key: f[2] };
    });
}

/** The `create` line of `ipset save NAME`. */
export function ipsetCreateLine(ns: string, name: string): string {
  return (
    execIn(ns, ['ipset', 'save', name])
      .stdout.split('\n')
      .find((l) => l.startsWith('create ')) ?? ''
  );
}

/** One ping from `from` to `to` answered within a second. */
export function pingOk(from: string, to: string): boolean {
  return (
    execIn(from, ['ping', '-c', '1', '-W', '1', '-n', '-q', to], { allowFail: true }).code === 0
  );
}

/** Polls `check` every 200 ms until it holds; false after `limitMs` (a generous bound, no timing claim). */
export async function eventually(check: () => boolean, limitMs = 15_000): Promise<boolean> {
  for (const until = Date.now() + limitMs; Date.now() < until;) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 200));
  }
  return check();
}
