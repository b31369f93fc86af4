// docs/deploy.md shows the files the tests use: its first configuration is the one the package
// ships, and every configuration on it (and on docs/rope-run.md) passes the checks of
// `rope run --config --check`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../support/environment.js';
import { parseRunConfig } from '../../packages/rope/src/cli/run-config.js';

const page = readFileSync(join(repoRoot, 'docs/deploy.md'), 'utf8');
const jsonBlocks = (text: string) => [...text.matchAll(/```json\n([^]*?)```/g)].map((m) => m[1]);
const blocks = jsonBlocks(page);

test('docs/deploy.md: the configurations are valid, the first is the shipped example', () => {
  assert.ok(blocks.length >= 2);
  const shipped = readFileSync(join(repoRoot, 'packages/rope/systemd/rope-run.json'), 'utf8');
  assert.deepEqual(JSON.parse(blocks[0]), JSON.parse(shipped));
  for (const b of blocks) parseRunConfig(b, 'deploy.md');
  const ropeRun = jsonBlocks(readFileSync(join(repoRoot, 'docs/rope-run.md'), 'utf8'));
  assert.equal(ropeRun.length, 1);
  for (const b of ropeRun) parseRunConfig(b, 'rope-run.md');
  // and the unit the page describes is the one shipped
  const unit = readFileSync(join(repoRoot, 'packages/rope/systemd/rope-run@.service'), 'utf8');
  const shown = page.slice(
    page.indexOf('```ini\n') + 7,
    page.indexOf('```', page.indexOf('```ini\n') + 7),
  );
  for (const line of shown.trim().split('\n')) assert.ok(unit.includes(`\n${line}\n`), line);
});
