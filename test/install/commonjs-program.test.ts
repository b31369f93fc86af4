// rope's commands and cutter's scripted path start from one CommonJS file each: bin/ requires
// dist/bundle/rope-commands.cjs or cutter-scripted.cjs, so such a start never loads Node's ES
// module loader nor resolves and links the program's chunks (30–40 ms of a start;
// docs/performance.md). What must stay ES modules — `rope run`, `rope top`, cutter's interactive
// view — is handed to the ES module program beside it (rope.js, cutter.js) before anything is
// done: its answers and exit status are the ones that count.
// Runs the bundles `npm run build` made. Nothing here changes the machine: `cutter --list` only
// reads conntrack (or stops at the missing capability), the view and `rope top` stop at a stdin
// that is no terminal.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../support/environment.js';
import { ESM_JOB, modulesLoaded } from '../support/modules-loaded.js';
import { withTempDir } from '../support/temp-dir.js';

/** Makes stdout look like a terminal, as it is when a person starts cutter. */
const STDOUT_TTY = `Object.defineProperty(process.stdout, 'isTTY', { value: true });`;

function programFile(tool: 'rope' | 'cutter', file: string): string {
  const path = join(repoRoot, 'packages', tool, 'dist/bundle', file);
  assert.ok(existsSync(path), `no ${file}: run npm run build`);
  assert.match(
    readFileSync(join(repoRoot, 'packages', tool, 'bin', `${tool}.js`), 'utf8'),
    new RegExp(`'${file.replaceAll('.', '\\.')}'`),
    `bin/${tool}.js requires ${file}`,
  );
  // what must load only with the commands that use it is not part of the file
  assert.doesNotMatch(
    readFileSync(path, 'utf8'),
    /require\(["'](ink|react|redis|prom-client)["']\)/,
  );
  return path;
}

test('rope classify starts from rope-commands.cjs and runs no ES module; so do its --jobs workers', () => {
  const file = programFile('rope', 'rope-commands.cjs');
  const samples = join(repoRoot, 'packages', 'rope', 'samples');
  const captures = ['http-downloads.pcap', 'bittorrent-tracker.pcap'].map((f) => join(samples, f));
  withTempDir('p2pwall-cjs-', (dir) => {
    const r = modulesLoaded(dir, file, ['classify', '--json', ...captures]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /"labels":\["http-large"\]/);
    assert.match(r.stdout, /"labels":\["bittorrent"\]/);
    assert.ok(!r.modules.includes(ESM_JOB), 'rope-commands.cjs ran an ES module');
    // its workers are classify-job-worker.cjs, found beside the file
    const jobs = modulesLoaded(dir, file, ['classify', '--json', '--jobs', '2', ...captures]);
    assert.equal(jobs.status, 0, jobs.stderr);
    assert.equal(jobs.stdout, r.stdout);
    assert.equal(jobs.workers.length, 2);
    for (const w of jobs.workers) assert.ok(!w.includes(ESM_JOB), 'a worker ran an ES module');
    // the check can fail: the ES module program's workers are ES modules
    const esm = modulesLoaded(dir, join(file, '..', 'rope.js'), [
      'classify',
      '--json',
      '--jobs',
      '2',
      ...captures,
    ]);
    assert.equal(esm.stdout, r.stdout);
    assert.ok(esm.workers.length === 2 && esm.workers.every((w) => w.includes(ESM_JOB)));
  });
});

test('rope top from rope-commands.cjs is handed to the ES module program, whose answer and exit status count', () => {
  const file = programFile('rope', 'rope-commands.cjs');
  withTempDir('p2pwall-cjs-', (dir) => {
    const r = modulesLoaded(dir, file, ['top']);
    assert.ok(r.modules.includes(ESM_JOB), 'the ES module program did not run');
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /^rope top: the live view needs a terminal/);
  });
});

test('cutter --list --json starts from cutter-scripted.cjs and runs no ES module', () => {
  const file = programFile('cutter', 'cutter-scripted.cjs');
  withTempDir('p2pwall-cjs-', (dir) => {
    const r = modulesLoaded(dir, file, ['--list', '--json', '203.0.113.99']);
    // as root: nothing matches (exit 2); without CAP_NET_ADMIN: the capability is named (exit 4)
    if (r.status === 4) assert.match(r.stderr, /CAP_NET_ADMIN/);
    else assert.equal(r.status, 2, r.stderr);
    assert.equal(r.stdout, '');
    assert.ok(!r.modules.includes(ESM_JOB), 'cutter-scripted.cjs ran an ES module');
  });
});

test("cutter's view from cutter-scripted.cjs is handed to the ES module program, whose answer and exit status count", () => {
  const file = programFile('cutter', 'cutter-scripted.cjs');
  withTempDir('p2pwall-cjs-', (dir) => {
    const r = modulesLoaded(dir, file, ['192.0.2.10'], STDOUT_TTY);
    assert.ok(r.modules.includes(ESM_JOB), 'the ES module program did not run');
    // as root: the view's own check of stdin (exit 3); without CAP_NET_ADMIN: exit 4
    if (r.status === 4) assert.match(r.stderr, /CAP_NET_ADMIN/);
    else {
      assert.equal(r.status, 3, r.stderr);
      assert.match(r.stderr, /the interactive view needs a terminal on stdin/);
    }
    // a scripted start on the same terminal stays in the CommonJS file
    const scripted = modulesLoaded(dir, file, ['--list', '192.0.2.10'], STDOUT_TTY);
    assert.ok(!scripted.modules.includes(ESM_JOB), '--list was handed over too');
  });
});
