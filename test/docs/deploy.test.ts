// docs/deploy.md shows the files the tests use: its first configuration is the one the package
// ships, and every configuration on it (and on docs/rope-run.md) passes the checks of
// `rope run --config --check`; the HA pair's conntrackd.conf and the fleet's scripts are those of
// the fleet tests.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../support/environment.js';
import { parseRunConfig } from '../../packages/rope/src/cli/run-config.js';
import { conntrackdConf } from '../fleet/conntrackd.js';

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

test("docs/deploy.md: the HA pair's conntrackd.conf is the one the HA test writes", () => {
  const shown = /```conf\n([^]*?)```/.exec(page)?.[1];
  assert.ok(shown, 'a ```conf block');
  const g1 = { lan: '192.0.2.1', wan: '198.51.100.1', sync: '203.0.113.1' };
  const g2 = { lan: '192.0.2.2', wan: '198.51.100.2', sync: '203.0.113.2' };
  assert.equal(
    shown,
    conntrackdConf({
      local: g1.sync,
      peer: g2.sync,
      iface: 'sync',
      lockFile: '/var/lock/conntrack.lock',
      socket: '/var/run/conntrackd.ctl',
      logFile: '/var/log/conntrackd.log',
      ignore: ['127.0.0.1', g1.lan, g1.wan, g1.sync, g2.lan, g2.wan, g2.sync],
    }),
  );
});

test("docs/deploy.md: the fleet's scripts are the ones the fleet test runs", () => {
  const shown = [...page.matchAll(/```rope\n# ([\w.-]+)\n([^]*?)```/g)];
  assert.equal(shown.length, 2);
  for (const [, name, body] of shown) {
    const file = readFileSync(join(repoRoot, 'test/fleet/scripts', name!), 'utf8');
    // the file's leading comment lines say what it is for; the rest is what the page shows
    assert.equal(body, file.replace(/^(#[^\n]*\n)+/, ''), name);
  }
});
