import { test } from 'node:test';
import assert from 'node:assert/strict';
import { splitCommandWords } from './command-words.js';

test('exec words: blanks split; quotes and backslashes as a shell reads them; nothing expands', () => {
  assert.deepEqual(splitCommandWords('/usr/bin/logger -t p2pwall'), [
    '/usr/bin/logger',
    '-t',
    'p2pwall',
  ]);
  assert.deepEqual(splitCommandWords(`  a  'b c'  "d \\"e\\" \\$HOME"  f\\ g ''  `), [
    'a',
    'b c',
    'd "e" $HOME',
    'f g',
    '',
  ]);
  assert.deepEqual(splitCommandWords(`sh -c 'echo "$P2PWALL_EVENT" >> /tmp/log'`), [
    'sh',
    '-c',
    'echo "$P2PWALL_EVENT" >> /tmp/log',
  ]);
  assert.deepEqual(splitCommandWords('a"b"\'c\'d ~ *'), ['abcd', '~', '*']);
});

test('exec words: shell syntax, open quotes and empty commands are refused with a column', () => {
  const err = (s: string) => {
    const r = splitCommandWords(s);
    assert.ok(!Array.isArray(r), s);
    return [r.column, r.message.split(' ')[0]];
  };
  assert.deepEqual(err('notify | mail root'), [8, "'|'"]);
  assert.deepEqual(err('echo $HOME'), [6, "'$'"]);
  assert.deepEqual(err('a; b'), [2, "';'"]);
  assert.deepEqual(err("echo 'open"), [6, 'this']);
  assert.deepEqual(err('echo "open'), [6, 'this']);
  assert.deepEqual(err('echo "$X"'), [7, "'$'"]);
  assert.deepEqual(err('   '), [1, 'no']);
  assert.deepEqual(err('end\\'), [4, 'a']);
});
