import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tooSmall } from './screen-size.js';

test('the minimum is 60x10', () => {
  assert.equal(tooSmall({ columns: 60, rows: 10 }), false);
  assert.equal(tooSmall({ columns: 59, rows: 10 }), true);
  assert.equal(tooSmall({ columns: 60, rows: 9 }), true);
});
