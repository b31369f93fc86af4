// `rope completion bash|zsh`: the script loads in the shell and completes commands, options, the
// built-in script names and option words. bash is always there; zsh is checked when installed
// (CI installs it).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toolSkip } from '../../../../test/support/environment.js';
import { runCli } from './run-cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'rope-completion-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

async function script(shell: string): Promise<string> {
  let out = '';
  let err = '';
  const status = await runCli(['completion', shell], {
    out: (t) => void (out += t),
    err: (t) => void (err += t),
  });
  assert.equal(status, 0, err);
  const path = join(tmp, `rope.${shell}`);
  writeFileSync(path, out);
  return path;
}

/** What bash completes for the words typed so far (the last one is being completed). */
function complete(path: string, ...words: string[]): string[] {
  const program = `source ${JSON.stringify(path)}
COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}
cd ${JSON.stringify(tmp)}; _rope; printf '%s\\n' "\${COMPREPLY[@]}"`;
  return execFileSync('bash', ['-c', program], { encoding: 'utf8' })
    .split('\n')
    .filter(Boolean)
    .sort();
}

test('rope completion bash: registers for rope; commands, options, built-in scripts, option words', async () => {
  const path = await script('bash');
  assert.equal(
    execFileSync('bash', ['-c', `source ${JSON.stringify(path)}; complete -p rope`], {
      encoding: 'utf8',
    }).trim(),
    'complete -o filenames -F _rope rope',
  );
  assert.deepEqual(complete(path, 'rope', ''), [
    'check',
    'classify',
    'completion',
    'ctl',
    'help',
    'l7',
    'rules',
    'run',
    'test',
    'top',
  ]);
  assert.deepEqual(complete(path, 'rope', 'r'), ['rules', 'run']);
  assert.deepEqual(complete(path, 'rope', 'run', '--qu'), [
    '--queue',
    '--queue-balance',
    '--queue-maxlen',
  ]);
  assert.deepEqual(complete(path, 'rope', 'run', '--me'), ['--metrics']);
  assert.deepEqual(complete(path, 'rope', 'run', '--config', 'x.json', '--ch'), ['--check']);
  assert.deepEqual(complete(path, 'rope', 'run', '--script', 'b'), ['bittorrent']);
  assert.deepEqual(complete(path, 'rope', 'classify', '--script', 'g'), ['gnutella']);
  assert.deepEqual(complete(path, 'rope', 'run', '--on-match', ''), ['accept', 'drop', 'mark:']);
  assert.deepEqual(complete(path, 'rope', 'rules', '--hooks', ''), ['both', 'forward', 'local']);
  assert.deepEqual(complete(path, 'rope', 'rules', '--ins'), ['--install']);
  assert.deepEqual(complete(path, 'rope', 'run', '--window', ''), [], 'a number: nothing offered');
  assert.deepEqual(complete(path, 'rope', 'completion', ''), ['bash', 'zsh']);
  assert.deepEqual(complete(path, 'rope', 'l7', 'conv'), ['convert']);
  assert.deepEqual(complete(path, 'rope', 'l7', '--w'), ['--window']);
  // files where a command takes files
  writeFileSync(join(tmp, 'capture-a.pcap'), '');
  writeFileSync(join(tmp, 'capture-b.pcap'), '');
  assert.deepEqual(complete(path, 'rope', 'classify', 'capt'), [
    'capture-a.pcap',
    'capture-b.pcap',
  ]);
});

test(
  'rope completion zsh: loads after compinit and registers _rope for rope',
  { skip: toolSkip(['zsh']) },
  async () => {
    const path = await script('zsh');
    execFileSync('zsh', ['-n', path]);
    const registered = execFileSync(
      'zsh',
      [
        '-f',
        '-c',
        `autoload -U compinit && compinit -u -D; source ${JSON.stringify(path)}; print -r -- \${_comps[rope]}`,
      ],
      { encoding: 'utf8' },
    );
    assert.equal(registered.trim(), '_rope');
  },
);

test('rope completion: the shell is required', async () => {
  let err = '';
  const status = await runCli(['completion', 'fish'], {
    out: () => {},
    err: (t) => void (err += t),
  });
  assert.equal(status, 2);
  assert.match(err, /^rope completion: give the shell: bash or zsh$/m);
});
