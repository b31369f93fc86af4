import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KEY_HELP, keyToIntent } from './keys.js';

test('browse keys: movement, selection, filter, cut, refresh, help, quit', () => {
  const k = (input: string, key = {}) => keyToIntent('browse', input, key);
  assert.deepEqual(
    [k('j'), k('', { downArrow: true }), k('k'), k('', { upArrow: true })],
    [
      { type: 'move', delta: 1 },
      { type: 'move', delta: 1 },
      { type: 'move', delta: -1 },
      { type: 'move', delta: -1 },
    ],
  );
  assert.deepEqual(
    [k('', { pageDown: true }), k('b', { ctrl: true }), k('g'), k('G')],
    [
      { type: 'page', direction: 1 },
      { type: 'page', direction: -1 },
      { type: 'moveTo', where: 'first' },
      { type: 'moveTo', where: 'last' },
    ],
  );
  assert.deepEqual(
    [k(' '), k('a'), k('/'), k('c'), k('', { return: true }), k('r'), k('?')].map((i) => i?.type),
    [
      'toggleSelect',
      'selectAllVisible',
      'openFilter',
      'requestCut',
      'requestCut',
      'refresh',
      'toggleHelp',
    ],
  );
  assert.deepEqual(
    [k('q'), k('', { escape: true }), k('c', { ctrl: true })].map((i) => i?.type),
    ['quit', 'quit', 'quit'],
  );
  assert.equal(k('z'), null);
});

test('the confirmation takes y and nothing else', () => {
  for (const input of ['y', 'Y'])
    assert.deepEqual(keyToIntent('confirm', input, {}), { type: 'confirmCut' });
  for (const [input, key] of [
    ['n', {}],
    ['', { return: true }],
    ['', { escape: true }],
    ['c', {}],
    [' ', {}],
  ] as const) {
    assert.deepEqual(
      keyToIntent('confirm', input, key),
      { type: 'cancelCut' },
      JSON.stringify([input, key]),
    );
  }
  assert.deepEqual(keyToIntent('confirm', 'c', { ctrl: true }), { type: 'quit' });
});

test('the filter prompt takes text; Enter, Esc, Backspace and Ctrl-U edit it', () => {
  const k = (input: string, key = {}) => keyToIntent('filter', input, key);
  assert.deepEqual(k('q'), { type: 'filterType', text: 'q' }, 'q is a letter here, not quit');
  assert.deepEqual(k('192.0.2.1 80'), { type: 'filterType', text: '192.0.2.1 80' });
  assert.deepEqual(
    [
      k('', { return: true }),
      k('', { escape: true }),
      k('', { backspace: true }),
      k('u', { ctrl: true }),
    ].map((i) => i?.type),
    ['filterCommit', 'filterCancel', 'filterBackspace', 'filterClearLine'],
  );
  assert.equal(k('', { upArrow: true }), null);
});

test('the help names every key the view answers to', () => {
  const text = KEY_HELP.map(([keys]) => keys).join(' ');
  for (const key of ['j/k', 'space', 'a', '/', 'c, Enter', 'r', '?', 'q, Esc, Ctrl-C', 'g/G'])
    assert.ok(text.includes(key), key);
});
