#!/usr/bin/env node
// Runs every test file of the repository with node:test (against the TypeScript sources, through
// tsx and the "source" export condition), prints the spec report, and in CI (CI=true) fails the run
// when any test was skipped: there every privileged and corpus test must really run.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const filters = process.argv.slice(2);

function walk(dir, out) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path, out);
    else if (/\.test\.tsx?$/.test(name)) out.push(path);
  }
  return out;
}

let files = [...walk(join(root, 'packages'), []), ...walk(join(root, 'test'), [])]
  .map((f) => relative(root, f))
  .sort();
if (filters.length > 0) files = files.filter((f) => filters.some((p) => f.includes(p)));
if (files.length === 0) {
  console.error('run-tests: no test files match', filters.join(' '));
  process.exit(1);
}

const tmp = mkdtempSync(join(tmpdir(), 'p2pwall-tests-'));
const tap = join(tmp, 'report.tap');
const result = spawnSync(
  process.execPath,
  [
    '--conditions=source',
    '--import',
    'tsx',
    '--test',
    `--test-concurrency=${process.env.TEST_CONCURRENCY ?? 2}`,
    '--test-reporter=spec',
    '--test-reporter-destination=stdout',
    '--test-reporter=tap',
    `--test-reporter-destination=${tap}`,
    ...files,
  ],
  { cwd: root, stdio: 'inherit' },
);

let status = result.status ?? 1;
const report = readFileSync(tap, 'utf8');
rmSync(tmp, { recursive: true, force: true });
const skipped = report
  .split('\n')
  .filter((line) => /^\s*ok \d+ - .*# SKIP/.test(line))
  .map((line) => line.trim());
if (skipped.length > 0 && process.env.CI === 'true') {
  console.error(`\nrun-tests: ${skipped.length} test(s) skipped in CI, where every test must run:`);
  for (const line of skipped) console.error(`  ${line}`);
  status = status || 1;
}
process.exit(status);
