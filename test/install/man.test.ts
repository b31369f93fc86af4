// The man pages: tools/man/build-man.mjs turns docs/man/*.md into the pages each package.json
// lists under "man"; they render without groff warnings, and every option the commands accept is
// documented in them (so a new option cannot go undocumented).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot, toolSkip } from '../support/environment.js';
import { COMMANDS } from '../../packages/rope/src/cli/commands/index.js';
import { CLI_OPTIONS } from '../../packages/cutter/src/cli/args.js';
import { CONFIG_KEYS } from '../../packages/rope/src/cli/run-config.js';

const tmp = mkdtempSync(join(tmpdir(), 'p2pwall-man-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
const source = (name: string) => readFileSync(join(repoRoot, 'docs', 'man', `${name}.md`), 'utf8');

test('build-man: the pages of every package.json "man" field, from docs/man', () => {
  execFileSync(process.execPath, [join(repoRoot, 'tools/man/build-man.mjs'), '--out', tmp], {
    stdio: 'pipe',
  });
  const listed = ['rope', 'cutter'].flatMap(
    (p) =>
      (
        JSON.parse(readFileSync(join(repoRoot, 'packages', p, 'package.json'), 'utf8')) as {
          man: string[];
        }
      ).man,
  );
  assert.deepEqual(listed, [
    './man/rope.1',
    './man/rope-run.8',
    './man/rope-ctl.8',
    './man/cutter.8',
  ]);
  assert.deepEqual(readdirSync(tmp).sort(), ['cutter.8', 'rope-ctl.8', 'rope-run.8', 'rope.1']);
  for (const [page, header] of [
    ['rope.1', '.TH "ROPE" "1"'],
    ['rope-run.8', '.TH "ROPE\\-RUN" "8"'],
    ['rope-ctl.8', '.TH "ROPE\\-CTL" "8"'],
    ['cutter.8', '.TH "CUTTER" "8"'],
  ]) {
    const roff = readFileSync(join(tmp, page), 'utf8');
    assert.ok(roff.startsWith(header), `${page}: ${roff.slice(0, 60)}`);
    assert.match(roff.split('\n')[0], /"p2pwall"$/);
    // marked-man escapes quotes inside code spans as HTML; the sources avoid them
    assert.doesNotMatch(roff, /&quot;|&amp;|<br>/, page);
  }
});

test('man pages render without groff warnings', { skip: toolSkip(['man']) }, () => {
  for (const page of ['rope.1', 'rope-run.8', 'rope-ctl.8', 'cutter.8']) {
    const r = spawnSync('man', ['--warnings', '-l', join(tmp, page)], {
      encoding: 'utf8',
      env: { ...process.env, MANWIDTH: '80' },
    });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stderr, '', page);
    assert.ok(r.stdout.length > 500, page);
  }
});

test('every option of rope run, rope rules, rope ctl, rope top and cutter, and every rope command, is in the pages', () => {
  const rope1 = source('rope.1');
  const ropeRun = source('rope-run.8');
  for (const c of COMMANDS) assert.ok(rope1.includes(`\`${c.name}\``), `rope(1): ${c.name}`);
  for (const name of ['run', 'rules']) {
    const command = COMMANDS.find((c) => c.name === name)!;
    for (const option of Object.keys(command.options))
      assert.ok(ropeRun.includes(`\`--${option}\``), `rope-run(8): rope ${name} --${option}`);
  }
  const ropeCtl = source('rope-ctl.8');
  for (const name of ['ctl', 'top']) {
    const command = COMMANDS.find((c) => c.name === name)!;
    for (const option of Object.keys(command.options))
      assert.ok(ropeCtl.includes(`\`--${option}\``), `rope-ctl(8): rope ${name} --${option}`);
  }
  const cutter = source('cutter.8');
  for (const [option, o] of Object.entries(CLI_OPTIONS)) {
    assert.ok(cutter.includes(`\`--${option}\``), `cutter(8): --${option}`);
    if ('short' in o) assert.ok(cutter.includes(`\`-${o.short}\``), `cutter(8): -${o.short}`);
  }
});

test('the configuration example of rope-run(8) is the one the package ships', () => {
  const text = source('rope-run.8');
  const start = text.indexOf('    {\n', text.indexOf('## CONFIGURATION FILE'));
  const end = text.indexOf('\n    }\n', start) + 6;
  const example = JSON.parse(text.slice(start, end));
  const shipped = JSON.parse(
    readFileSync(join(repoRoot, 'packages/rope/systemd/rope-run.json'), 'utf8'),
  );
  assert.deepEqual(example, shipped);
  // and names every key the file may have
  const keys = text.slice(text.indexOf('Keys: '), text.indexOf('\n\n', text.indexOf('Keys: ')));
  assert.deepEqual(
    keys.replace('Keys: ', '').replace(/\.$/, '').split(/,\s+/),
    Object.keys(CONFIG_KEYS),
  );
});
