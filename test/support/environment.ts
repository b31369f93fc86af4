// Decides whether privileged or corpus-dependent tests can run here. On a user's machine a test
// that cannot run is skipped with a one-line reason; in CI (CI=true) nothing may be skipped, so the
// same condition fails the test instead (and scripts/run-tests.mjs fails the run on any skip).
import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const inCI = process.env.CI === 'true';
export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const corpusDir = process.env.P2PWALL_CORPUS ?? join(repoRoot, '..', 'shared', 'corpus');

function verdict(reason: string | null): string | false {
  if (reason === null) return false;
  if (inCI)
    throw new Error(`${reason} — in CI this test must run, so it fails instead of skipping`);
  return reason;
}

function effectiveCapabilities(): bigint {
  try {
    const status = readFileSync('/proc/self/status', 'utf8');
    const line = status.split('\n').find((l) => l.startsWith('CapEff:'));
    return line ? BigInt('0x' + line.slice(7).trim()) : 0n;
  } catch {
    return 0n;
  }
}

const CAP_NET_ADMIN = 12n;
const CAP_NET_RAW = 13n;
const CAP_SYS_ADMIN = 21n;

/**
 * `false` when this process may build network namespaces and use netfilter (root with
 * CAP_NET_ADMIN, CAP_NET_RAW and CAP_SYS_ADMIN, and `ip` installed); otherwise the skip reason.
 * Use as `test('…', { skip: privilegedSkip() }, …)`.
 */
export function privilegedSkip(tools: string[] = ['ip']): string | false {
  const caps = effectiveCapabilities();
  const missing: string[] = [];
  if ((caps & (1n << CAP_NET_ADMIN)) === 0n) missing.push('CAP_NET_ADMIN');
  if ((caps & (1n << CAP_NET_RAW)) === 0n) missing.push('CAP_NET_RAW');
  if ((caps & (1n << CAP_SYS_ADMIN)) === 0n) missing.push('CAP_SYS_ADMIN');
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

export function onPath(tool: string): boolean {
  for (const dir of (process.env.PATH ?? '').split(':').concat(['/usr/sbin', '/sbin'])) {
    try {
      accessSync(join(dir, tool), constants.X_OK);
      return true;
    } catch {
      /* keep looking */
    }
  }
  return false;
}
