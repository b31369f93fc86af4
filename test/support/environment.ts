// Decides whether privileged or corpus-dependent tests can run here. On a user's machine a test
// that cannot run is skipped with a one-line reason; in CI (CI=true) nothing may be skipped, so the
// same condition fails the test instead (and tools/run-tests.mjs fails the run on any skip).
import { accessSync, constants, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { missingCapabilities } from '@p2pwall/core/privilege';

export const inCI = process.env.CI === 'true';
export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const corpusDir = process.env.P2PWALL_CORPUS ?? join(repoRoot, '..', 'shared', 'corpus');

function verdict(reason: string | null): string | false {
  if (reason === null) return false;
  if (inCI)
    throw new Error(`${reason} — in CI this test must run, so it fails instead of skipping`);
  return reason;
}

/**
 * `false` when this process may build network namespaces and use netfilter (root with
 * CAP_NET_ADMIN, CAP_NET_RAW and CAP_SYS_ADMIN, and `ip` installed); otherwise the skip reason.
 * Use as `test('…', { skip: privilegedSkip() }, …)`.
 */
export function privilegedSkip(tools: string[] = ['ip']): string | false {
  const missing = missingCapabilities(['CAP_NET_ADMIN', 'CAP_NET_RAW', 'CAP_SYS_ADMIN']);
  if (missing.length > 0) return verdict(`needs root (missing ${missing.join(', ')})`);
  for (const tool of tools) {
    if (!onPath(tool)) return verdict(`needs ${tool} (not found on PATH)`);
  }
  return false;
}

/** `false` when ../shared/corpus is present; otherwise the skip reason. */
export function corpusSkip(): string | false {
  return verdict(
    existsSync(join(corpusDir, 'truth.tsv')) ? null : `corpus not found at ${corpusDir}`,
  );
}

/** An executable `tool` on PATH (or in /usr/sbin, /sbin); a name with a slash is checked as a path. */
export function onPath(tool: string): boolean {
  const dirs = tool.includes('/')
    ? ['']
    : (process.env.PATH ?? '').split(':').concat(['/usr/sbin', '/sbin']);
  for (const dir of dirs) {
    try {
      accessSync(join(dir, tool), constants.X_OK);
      return true;
    } catch {
      /* keep looking */
    }
  }
  return false;
}

/**
 * `false` when every program of `tools` is on PATH (zsh, systemd-analyze, npm, …); otherwise the
 * skip reason (in CI, where .ci/run installs them, an error).
 */
export function toolSkip(tools: string[]): string | false {
  const missing = tools.filter((t) => !onPath(t));
  return verdict(missing.length > 0 ? `needs ${missing.join(' and ')} (not found on PATH)` : null);
}
