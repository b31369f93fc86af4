import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bodyLines, sectionHeights } from './screen.js';

test('sections: one row each at the least, then in turn, the rest to the entries', () => {
  const at = (rows: number, want: [number, number, number]) => {
    const h = sectionHeights(
      { columns: 80, rows },
      { labels: want[0], hosts: want[1], entries: want[2] },
    );
    assert.equal(
      h.labels + h.hosts + h.entries + 3,
      bodyLines({ columns: 80, rows }),
      'fills the body',
    );
    return [h.labels, h.hosts, h.entries];
  };
  assert.deepEqual(at(10, [5, 5, 5]), [1, 1, 1]);
  assert.deepEqual(at(12, [5, 5, 5]), [2, 1, 2]);
  assert.deepEqual(at(24, [2, 0, 1]), [2, 1, 14]);
  assert.deepEqual(at(24, [10, 10, 10]), [6, 5, 6]);
});
