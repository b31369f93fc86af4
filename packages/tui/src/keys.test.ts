import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cursorStep, isCtrlC, lineEditKey, splitBurst, type LineEditIntents } from './keys.js';

test('a burst of characters becomes single keys, control characters included', () => {
  assert.deepEqual(splitBurst('j \r\n\x7f\b\t\x15'), [
    { input: 'j', key: {} },
    { input: ' ', key: {} },
    { input: '', key: { return: true } },
    { input: '', key: { return: true } },
    { input: '', key: { backspace: true } },
    { input: '', key: { backspace: true } },
    { input: '', key: { tab: true } },
    { input: 'u', key: { ctrl: true } },
  ]);
  assert.deepEqual(splitBurst('1.2'), [
    { input: '1', key: {} },
    { input: '.', key: {} },
    { input: '2', key: {} },
  ]);
  assert.deepEqual(
    splitBurst('é😀').map((k) => k.input),
    ['é', '😀'],
    'one key per character, not per UTF-16 unit',
  );
});

test('Ctrl-C and the cursor keys', () => {
  assert.equal(isCtrlC('c', { ctrl: true }), true);
  assert.equal(isCtrlC('c', {}), false);
  assert.equal(isCtrlC('u', { ctrl: true }), false);
  assert.equal(cursorStep('', { upArrow: true }), -1);
  assert.equal(cursorStep('k', {}), -1);
  assert.equal(cursorStep('', { downArrow: true }), 1);
  assert.equal(cursorStep('j', {}), 1);
  assert.equal(cursorStep('J', {}), 0);
  assert.equal(cursorStep('', { pageDown: true }), 0);
});

const TO: LineEditIntents<string> = {
  submit: 'submit',
  cancel: 'cancel',
  backspace: 'backspace',
  clear: 'clear',
  type: (text) => `type ${JSON.stringify(text)}`,
};

test('a one-line prompt: Enter, Esc, Backspace/Delete, Ctrl-U and printable text', () => {
  const k = (input: string, key = {}) => lineEditKey(input, key, TO);
  assert.equal(k('', { return: true }), 'submit');
  assert.equal(k('', { escape: true }), 'cancel');
  assert.equal(k('', { backspace: true }), 'backspace');
  assert.equal(k('', { delete: true }), 'backspace');
  assert.equal(k('u', { ctrl: true }), 'clear');
  assert.equal(k('u'), 'type "u"');
  assert.equal(k('198.51.100.7 80'), 'type "198.51.100.7 80"', 'a paste is typed at once');
  assert.equal(k('a\x1bb\x7f'), 'type "ab"', 'control characters are dropped');
  assert.equal(k('\x1b'), null);
  for (const key of [{ ctrl: true }, { meta: true }, { upArrow: true }, { downArrow: true }])
    assert.equal(k('x', key), null, JSON.stringify(key));
  assert.equal(k('', { tab: true }), null);
});
