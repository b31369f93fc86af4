import { test } from 'node:test';
import assert from 'node:assert/strict';
import { actionDrops, actionText, parseAction } from './actions.js';

test('actions: lock:S and block-peer:S, whole seconds up to 30 days; they drop the flow', () => {
  assert.deepEqual(parseAction('lock:20'), { kind: 'lock', seconds: 20 });
  assert.deepEqual(parseAction('block-peer:2592000'), { kind: 'block-peer', seconds: 2592000 });
  for (const bad of [
    'lock',
    'lock:',
    'lock:0',
    'lock:2592001',
    'lock:1.5',
    'block-peer:-3',
    'lock:20s',
  ])
    assert.equal(parseAction(bad), null, bad);
  assert.equal(actionText({ kind: 'lock', seconds: 20 }), 'lock:20');
  assert.equal(actionText({ kind: 'block-peer', seconds: 60 }), 'block-peer:60');
  assert.equal(actionDrops({ kind: 'lock', seconds: 1 }), true);
  assert.equal(actionDrops({ kind: 'mark', mark: 7 }), false);
  assert.deepEqual(parseAction('mark:0x7'), { kind: 'mark', mark: 7 });
});
