// Running nft / iptables: async for normal use, sync for exit-time cleanup (an 'exit' handler
// cannot wait). Failures become FirewallError (errors.ts) with the tool's own message and a hint.
import { accessSync, constants } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { FirewallError } from './errors.js';

const SBIN = ['/usr/sbin', '/sbin', '/usr/local/sbin'];

let childProcess: typeof import('node:child_process') | undefined;

/**
 * node:child_process, loaded when a tool first runs: cutter's usual path runs none (its rules go
 * over netlink), and loading the module (with net and dgram) is ~5 ms of a start.
 */
function processes(): typeof import('node:child_process') {
  childProcess ??= createRequire(import.meta.url)(
    'node:child_process',
  ) as typeof import('node:child_process');
  return childProcess;
}

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

export function runTool(argv: string[], what: string, input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = processes().execFile(
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
            reject(new FirewallError({ kind: 'not-installed', operation: what, argv }));
          else
            reject(
              new FirewallError({
                kind: 'exited',
                operation: what,
                argv,
                status: code,
                stderr: stderr || err.message,
              }),
            );
        } else resolve(stdout);
      },
    );
    if (input !== undefined) child.stdin?.end(input);
  });
}

export function runToolSync(argv: string[], what: string, input?: string): string {
  const r = processes().spawnSync(argv[0], argv.slice(1), {
    encoding: 'utf8',
    input,
    timeout: 30_000,
    maxBuffer: 64 << 20,
  });
  if (r.error)
    throw new FirewallError({
      kind: 'spawn-failed',
      operation: what,
      argv,
      cause: r.error.message,
    });
  if (r.status !== 0)
    throw new FirewallError({
      kind: 'exited',
      operation: what,
      argv,
      status: r.status,
      stderr: r.stderr ?? '',
    });
  return r.stdout ?? '';
}
