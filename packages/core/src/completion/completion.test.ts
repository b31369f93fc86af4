// The completion script writer: both shells' scripts parse, and nothing but plain words gets in.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { completionScript, optionsOf, type CompletionSpec } from './completion.js';

const spec: CompletionSpec = {
  program: 'tool',
  options: optionsOf({ help: { type: 'boolean', short: 'h' } }),
  operands: {},
  commands: [
    {
      name: 'go',
      summary: "it's: a summary",
      options: optionsOf({ mode: { type: 'string' } }, { mode: { values: ['a', 'b'] } }),
      operands: { files: true },
    },
  ],
};

test('completion: option tables become options, short names too, with their value words', () => {
  assert.deepEqual(
    optionsOf(
      { list: { type: 'boolean', short: 'l' }, port: { type: 'string' } },
      { port: { files: true } },
    ),
    [
      { name: '--list', takesValue: false },
      { name: '-l', takesValue: false },
      { name: '--port', takesValue: true, files: true },
    ],
  );
  const bash = completionScript('bash', spec);
  assert.match(bash, /^complete -o filenames -F _tool tool$/m);
  assert.match(bash, /--mode\) COMPREPLY=\(\$\(compgen -W 'a b' -- "\$cur"\)\); return ;;/);
  const zsh = completionScript('zsh', spec);
  assert.match(zsh, /^#compdef tool$/m);
  assert.match(zsh, /commands=\('go:it'\\''s\\: a summary'\)/);
});

test('completion: a word that is not plain is refused, never quoted into the script', () => {
  const evil: CompletionSpec = {
    ...spec,
    commands: [{ ...spec.commands[0], operands: { words: ['$(reboot)'] } }],
  };
  assert.throws(() => completionScript('bash', evil), /unsafe word "\$\(reboot\)"/);
  assert.throws(() => completionScript('zsh', { ...spec, program: 'a b' }), /unsafe word/);
});
