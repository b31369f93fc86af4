// Running nft / iptables: async for normal use, sync for exit-time cleanup (an 'exit' handler
// cannot wait). Failures become FirewallError with the tool's own message and a hint.
import { execFile, spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { join } from 'node:path';
import { needsCapability } from '../privilege/capabilities.js';

/**
 * Why a firewall command failed, for callers that map it to an exit status: `privilege` (needs
 * CAP_NET_ADMIN), `unsupported` (the kernel lacks a match, target or table the rule needs),
 * `missing-tool` (neither nft nor iptables, or the tool is not installed), `failed` (anything else).
 */
export type FirewallErrorReason = 'privilege' | 'unsupported' | 'missing-tool' | 'failed';

export class FirewallError extends Error {
  override name = 'FirewallError';
  constructor(
    message: string,
    readonly argv: string[],
    readonly stderr: string,
    readonly reason: FirewallErrorReason = 'failed',
  ) {
    super(message);
  }
}

const SBIN = ['/usr/sbin', '/sbin', '/usr/local/sbin'];

/** Absolute path of a tool on PATH (or the sbin directories), or null. */
export function findTool(tool: string): string | null {
  for (const dir of (process.env.PATH ?? '').split(':').filter(Boolean).concat(SBIN)) {
    const p = join(dir, tool);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      /* keep looking */
    }
  }
  return null;
}

function failure(argv: string[], code: number | null, stderr: string, what: string): FirewallError {
  const text = stderr.trim().split('\n').slice(0, 3).join(' | ');
  const privilege = /not permitted|permission denied/i.test(text);
  const hint = privilege ? ` — ${needsCapability('CAP_NET_ADMIN')}` : '';
  return new FirewallError(
    `${what} failed (\`${argv.join(' ')}\` exited with ${code ?? 'a signal'}): ${text || 'no message'}${hint}`,
    argv,
    stderr,
    privilege ? 'privilege' : /not supported/i.test(text) ? 'unsupported' : 'failed',
  );
}

export function runTool(argv: string[], what: string, input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      argv[0],
      argv.slice(1),
      { encoding: 'utf8', timeout: 30_000, maxBuffer: 64 << 20 },
      (err, stdout, stderr) => {
        if (err) {
          const code =
            typeof (err as { code?: unknown }).code === 'number'
              ? ((err as { code: number }).code as number)
              : null;
          if ((err as NodeJS.ErrnoException).code === 'ENOENT')
            reject(
              new FirewallError(`${what}: ${argv[0]} is not installed`, argv, '', 'missing-tool'),
            );
          else reject(failure(argv, code, stderr || err.message, what));
        } else resolve(stdout);
      },
    );
    if (input !== undefined) child.stdin?.end(input);
  });
}

export function runToolSync(argv: string[], what: string, input?: string): string {
  const r = spawnSync(argv[0], argv.slice(1), {
    encoding: 'utf8',
    input,
    timeout: 30_000,
    maxBuffer: 64 << 20,
  });
  if (r.error) throw new FirewallError(`${what}: ${r.error.message}`, argv, '');
  if (r.status !== 0) throw failure(argv, r.status, r.stderr ?? '', what);
  return r.stdout ?? '';
}
