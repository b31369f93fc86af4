import assert from 'node:assert/strict';
import { test } from 'node:test';
import { keyToIntent } from './keys.js';

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
