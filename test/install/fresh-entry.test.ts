// The launchers' choice (core's launcher/fresh-entry.js) on a package laid out in a temporary
// directory: the bundle only while it is newer than the package's last `tsc -b`, core's and tui's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { freshEntry } from '@p2pwall/core/launcher';
import { repoRoot } from '../support/environment.js';

test('launcher: the bundle when fresh, dist/cli/main.js when absent or older than a tsc -b', () => {
  const dir = mkdtempSync(join(tmpdir(), 'p2pwall-launcher-'));
  try {
    const root = pathToFileURL(dir + '/');
    const main = new URL('dist/cli/main.js', root).href;
    const bundle = join(dir, 'dist/bundle/x.js');
    const buildInfo = join(dir, 'dist/.tsbuildinfo');
    mkdirSync(join(dir, 'dist/bundle'), { recursive: true });
    assert.equal(freshEntry(root, 'x.js'), main, 'no bundle');

    // core's and tui's last tsc -b, as this checkout has them (absent: -1, older than anything)
    const lastBuild = (pkg: string) => {
      try {
        return statSync(join(repoRoot, `packages/${pkg}/dist/.tsbuildinfo`)).mtimeMs / 1000;
      } catch {
        return -1; // not compiled
      }
    };
    const core = lastBuild('core');
    const tui = lastBuild('tui');
    const after = Math.max(core, tui, Date.now() / 1000) + 3600;
    writeFileSync(bundle, '');
    writeFileSync(buildInfo, '');
    utimesSync(buildInfo, after, after);
    utimesSync(bundle, after + 60, after + 60);
    assert.equal(freshEntry(root, 'x.js'), pathToFileURL(bundle).href, 'newer than both');
    utimesSync(bundle, after - 60, after - 60);
    assert.equal(freshEntry(root, 'x.js'), main, 'older than the package’s tsc -b');
    if (core > 0) {
      rmSync(buildInfo);
      utimesSync(bundle, core - 60, core - 60);
      assert.equal(freshEntry(root, 'x.js'), main, 'older than core’s tsc -b');
    }
    if (tui > 0) {
      rmSync(buildInfo, { force: true });
      utimesSync(bundle, tui - 60, tui - 60);
      assert.equal(freshEntry(root, 'x.js'), main, 'older than tui’s tsc -b');
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
