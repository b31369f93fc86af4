// rope's bundle loads its parser (dist/bundle/parser.cjs, with Chevrotain) only when a script has
// no parsed form from the build: `rope classify` with the built-in scripts never loads it, a
// script of the user's does. Runs the bundle `npm run build` made (CI builds it on `npm ci`),
// with a preload that notes every CommonJS file required.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../support/environment.js';
import { withTempDir } from '../support/temp-dir.js';

const rope = join(repoRoot, 'packages/rope');
const bundle = join(rope, 'dist/bundle/rope.js');
const sample = join(rope, 'samples/http-downloads.pcap');

/** Runs the bundle; returns its outcome and the CommonJS files it required. */
function runBundle(dir: string, args: string[]) {
  const log = join(dir, 'required.txt');
  writeFileSync(log, '');
  const preload = join(dir, 'note-requires.cjs');
  writeFileSync(
    preload,
    `const Module = require('node:module');
const { appendFileSync } = require('node:fs');
const load = Module._load;
Module._load = function (request, parent, isMain) {
  appendFileSync(${JSON.stringify(log)}, request + '\\n');
  return load.apply(this, arguments);
};
`,
  );
  const r = spawnSync(process.execPath, ['--require', preload, bundle, ...args], {
    cwd: dir,
    encoding: 'utf8',
  });
  const required = readFileSync(log, 'utf8').split('\n');
  return { ...r, parserLoaded: required.some((f) => f.endsWith('parser.cjs')) };
}

test('the bundle loads the parser only for a script without a parsed form', () => {
  assert.ok(
    existsSync(bundle) && existsSync(join(rope, 'dist/bundle/parser.cjs')),
    'no bundle: run npm run build',
  );
  withTempDir('p2pwall-parser-', (dir) => {
    const builtins = runBundle(dir, ['classify', '--json', sample]);
    assert.equal(builtins.status, 0, builtins.stderr);
    assert.match(builtins.stdout, /"labels":\["http-large"\]/);
    assert.equal(
      builtins.parserLoaded,
      false,
      'the built-in scripts were parsed: is dist/builtin-ast/ from this build (npm run build)?',
    );

    writeFileSync(join(dir, 'get.rope'), '$data "GET " find 0 eq { yes } if no\n');
    const own = runBundle(dir, ['classify', '--json', '--script', 'get.rope', sample]);
    assert.equal(own.status, 0, own.stderr);
    assert.match(own.stdout, /"labels":\["get"\]/);
    assert.equal(own.parserLoaded, true);

    writeFileSync(join(dir, 'open.rope'), 'yes {\n');
    const bad = runBundle(dir, ['classify', '--script', 'open.rope', sample]);
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /^open\.rope:1:5: error: block `\{` opened at 1:5 is never closed$/m);
  });
});
