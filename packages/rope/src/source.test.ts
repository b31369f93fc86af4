import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CARET_CONTEXT, caretLines, MAX_SHOWN_LINE } from './source.js';

test('a short line is shown whole, the caret under the range, tabs kept', () => {
  assert.equal(caretLines('\tfoo bar', 6, 8), '\tfoo bar\n\t    ^~~');
  assert.equal(caretLines('x', 1, 1), 'x\n^');
});

test('a long line is cut to a window around the caret, marked with …', () => {
  const line = 'a'.repeat(1000) + 'XYZ' + 'b'.repeat(1000);
  const [shown, caret] = caretLines(line, 1001, 1003).split('\n');
  assert.equal(
    shown,
    '…' + 'a'.repeat(CARET_CONTEXT) + 'XYZ' + 'b'.repeat(CARET_CONTEXT - 2) + '…',
  );
  assert.equal(caret, ' '.repeat(1 + CARET_CONTEXT) + '^~~');
  assert.equal(shown.indexOf('XYZ'), caret.indexOf('^'), 'the caret stays under the range');
  // at the start there is nothing to cut on the left; a range running past the window is cut
  const [head, under] = caretLines(line, 1, 2003).split('\n');
  assert.equal(head, 'a'.repeat(CARET_CONTEXT + 1) + '…');
  assert.equal(under, '^' + '~'.repeat(CARET_CONTEXT));
  assert.ok(
    caretLines('x'.repeat(MAX_SHOWN_LINE), 5, 5).startsWith('x'.repeat(MAX_SHOWN_LINE) + '\n'),
  );
});
