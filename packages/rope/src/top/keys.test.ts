import assert from 'node:assert/strict';
import { test } from 'node:test';
import { keyToIntent, splitBurst } from './keys.js';

test('keys per mode', () => {
  assert.deepEqual(keyToIntent('view', 'u', {}), { type: 'lift' });
  assert.deepEqual(keyToIntent('view', '', { downArrow: true }), { type: 'move', delta: 1 });
  assert.equal(keyToIntent('view', 'z', {}), null);
  assert.deepEqual(keyToIntent('prompt', 'u', {}), { type: 'promptType', text: 'u' });
  assert.deepEqual(keyToIntent('prompt', '', { return: true }), { type: 'promptSubmit' });
  assert.deepEqual(keyToIntent('confirm', 'Y', {}), { type: 'confirm', yes: true });
  assert.deepEqual(keyToIntent('confirm', '', { return: true }), { type: 'confirm', yes: false });
  assert.deepEqual(keyToIntent('help', 'x', {}), { type: 'toggleHelp' });
  assert.deepEqual(keyToIntent('help', 'c', { ctrl: true }), { type: 'quit' });
});

test('a burst becomes single keys: text, then Enter', () => {
  assert.deepEqual(splitBurst('1.2\r\x7f\x15'), [
    { input: '1', key: {} },
    { input: '.', key: {} },
    { input: '2', key: {} },
    { input: '', key: { return: true } },
    { input: '', key: { backspace: true } },
    { input: 'u', key: { ctrl: true } },
  ]);
});
