// `cutter completion bash|zsh` and the --json line's envelope, without privileges.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot, toolSkip } from '../../../../test/support/environment.js';
import { ArgumentError } from '../find/address-match.js';
import { completionText } from './completion.js';
import { jsonLine } from './output.js';

const tmp = mkdtempSync(join(tmpdir(), 'cutter-completion-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

function saved(shell: string): string {
  const path = join(tmp, `cutter.${shell}`);
  writeFileSync(path, completionText([shell]));
  return path;
}

function complete(path: string, ...words: string[]): string[] {
  const program = `source ${JSON.stringify(path)}
COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}
_cutter; printf '%s\\n' "\${COMPREPLY[@]}"`;
  return execFileSync('bash', ['-c', program], { encoding: 'utf8' })
    .split('\n')
    .filter(Boolean)
    .sort();
}

test('cutter completion bash: options, and the words of --proto, --state, --firewall', () => {
  const path = saved('bash');
  assert.equal(
    execFileSync('bash', ['-c', `source ${JSON.stringify(path)}; complete -p cutter`], {
      encoding: 'utf8',
    }).trim(),
    'complete -o filenames -F _cutter cutter',
  );
  assert.deepEqual(complete(path, 'cutter', '--dr'), ['--drop-udp']);
  assert.deepEqual(complete(path, 'cutter', '--yes', '--fi'), ['--firewall']);
  assert.deepEqual(complete(path, 'cutter', '--firewall', ''), ['iptables', 'nft']);
  assert.deepEqual(complete(path, 'cutter', '--state', 'EST'), ['ESTABLISHED']);
  assert.ok(complete(path, 'cutter', '--proto', '').includes('udp'));
  assert.deepEqual(complete(path, 'cutter', '-p', ''), [], 'ports: nothing offered');
  assert.deepEqual(complete(path, 'cutter', 'compl'), ['completion']);
  assert.deepEqual(complete(path, 'cutter', 'completion', ''), ['bash', 'zsh']);
});

test('cutter completion zsh: registers _cutter for cutter', { skip: toolSkip(['zsh']) }, () => {
  const path = saved('zsh');
  const registered = execFileSync(
    'zsh',
    [
      '-f',
      '-c',
      `autoload -U compinit && compinit -u -D; source ${JSON.stringify(path)}; print -r -- \${_comps[cutter]}`,
    ],
    { encoding: 'utf8' },
  );
  assert.equal(registered.trim(), '_cutter');
});

test('cutter completion from the command line: no privilege needed; a missing shell is a usage error', () => {
  const main = join(repoRoot, 'packages/cutter/src/cli/main.ts');
  const run = (...args: string[]) =>
    spawnSync(process.execPath, ['--conditions=source', '--import', 'tsx', main, ...args], {
      encoding: 'utf8',
    });
  const ok = run('completion', 'bash');
  assert.equal(ok.status, 0, ok.stderr);
  assert.equal(ok.stdout, completionText(['bash']));
  const bad = run('completion');
  assert.equal(bad.status, 3);
  assert.equal(bad.stderr, 'cutter: completion: give the shell: bash or zsh (see cutter --help)\n');
  assert.throws(() => completionText(['fish']), ArgumentError);
});

test('--json lines: schema 1 and an ISO time first, then the record', () => {
  const line = jsonLine({ proto: 'tcp', result: 'cut' }, new Date('2026-11-21T16:30:27.079Z'));
  assert.equal(line, '{"schema":1,"time":"2026-11-21T16:30:27.079Z","proto":"tcp","result":"cut"}');
});
