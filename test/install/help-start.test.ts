// `rope --help`, `cutter --help`, --version and completion start from CommonJS: bin/ is CommonJS
// (its package.json) and requires the help bundle (dist/bundle/NAME-help.cjs), so no ES module
// runs and Node's ES module loader stays unloaded (~10 ms of such a start; docs/performance.md).
// Runs the bundles `npm run build` made, with a preload that writes the modules Node loaded.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../support/environment.js';
import { ESM_JOB, modulesLoaded } from '../support/modules-loaded.js';
import { withTempDir } from '../support/temp-dir.js';

for (const [tool, usage] of [
  ['rope', /^usage: rope COMMAND/m],
  ['cutter', /^usage: cutter \[options\]/m],
] as const) {
  test(`${tool}: its help bundle runs no ES module; bin/ is CommonJS and requires it`, () => {
    const pkg = join(repoRoot, 'packages', tool);
    const help = join(pkg, 'dist/bundle', `${tool}-help.cjs`);
    assert.ok(existsSync(help), 'no help bundle: run npm run build');
    withTempDir('p2pwall-help-', (dir) => {
      const r = modulesLoaded(dir, help, ['--help']);
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, usage);
      assert.ok(!r.modules.includes(ESM_JOB), 'the help bundle ran an ES module');
      // the check can fail: the program's bundle is ES modules
      const program = modulesLoaded(dir, join(pkg, 'dist/bundle', `${tool}.js`), ['--version']);
      assert.equal(program.status, 0, program.stderr);
      assert.ok(program.modules.includes(ESM_JOB));
    });
    assert.equal(JSON.parse(readFileSync(join(pkg, 'bin/package.json'), 'utf8')).type, 'commonjs');
    assert.match(
      readFileSync(join(pkg, 'bin', `${tool}.js`), 'utf8'),
      new RegExp(`'${tool}-help\\.cjs'`),
    );
  });
}
