// `npm run bench` runs tsc -b first, which leaves the CLIs' bundles older than the compiled code
// when it compiled anything (bin/ then starts from the modules): sections that start rope or
// cutter as users do make them again first, as `npm run build` does — unless they are fresh.
import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../test/support/environment.js';

function mtime(path: string): number {
  try {
    return statSync(join(repoRoot, path)).mtimeMs;
  } catch {
    return -1;
  }
}

function fresh(): boolean {
  const compiled = Math.max(
    ...['core', 'tui', 'rope', 'cutter'].map((p) => mtime(`packages/${p}/dist/.tsbuildinfo`)),
  );
  // every file bin/ starts: the help, the CommonJS program and the ES module program
  return [
    'rope/dist/bundle/rope.js',
    'rope/dist/bundle/rope-help.cjs',
    'rope/dist/bundle/rope-commands.cjs',
    'cutter/dist/bundle/cutter.js',
    'cutter/dist/bundle/cutter-help.cjs',
    'cutter/dist/bundle/cutter-scripted.cjs',
  ].every((f) => mtime(`packages/${f}`) >= compiled);
}

export function buildBundles(): void {
  if (fresh()) return;
  const r = spawnSync(process.execPath, [join(repoRoot, 'tools/bundle/build-bundle.mjs')], {
    stdio: 'inherit',
  });
  if (r.status !== 0) throw new Error('tools/bundle/build-bundle.mjs failed');
}
