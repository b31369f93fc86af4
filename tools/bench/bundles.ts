// `npm run bench` runs tsc -b first, which leaves the CLIs' bundles older than the compiled code
// (bin/ then starts from the modules): sections that start rope or cutter as users do make them
// again first, as `npm run build` does.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '../../test/support/environment.js';

export function buildBundles(): void {
  const r = spawnSync(process.execPath, [join(repoRoot, 'tools/bundle/build-bundle.mjs')], {
    stdio: 'inherit',
  });
  if (r.status !== 0) throw new Error('tools/bundle/build-bundle.mjs failed');
}
