import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  fit,
  formatBytes,
  formatCount,
  formatDuration,
  formatMs,
  truncateEnd,
  truncateMiddle,
} from './format.js';

test('durations, byte counts and cut times in their short forms', () => {
  assert.deepEqual(
    [0, 850, 42_000, 302_000, 11_220_000, 430_000_000].map((ms) => formatDuration(ms)),
    ['0ms', '850ms', '42s', '5m02s', '3h07m', '4d23h'],
  );
  assert.equal(formatDuration(850, false), '0s');
  assert.deepEqual([512, 1536, 34 * 1024 * 1024, 5.15 * 1024 ** 3].map(formatBytes), [
    '512B',
    '1.5K',
    '34M',
    '5.1G',
  ]);
  assert.deepEqual([999, 12_345, 4_500_000].map(formatCount), ['999', '12.3k', '4.5M']);
  assert.deepEqual([0.84, 12.34, 1204.4].map(formatMs), ['0.84 ms', '12.3 ms', '1204 ms']);
});

test('an endpoint cut short keeps its port; text keeps its start', () => {
  assert.equal(truncateMiddle('[2001:db8:1::10]:40000', 15, '~'), '[2001:d~]:40000');
  assert.equal(truncateEnd('FAILED: no reply from the responder', 12, '…'), 'FAILED: no …');
  assert.equal(fit('tcp', 5, 'left', 'end', '~'), 'tcp  ');
  assert.equal(fit('4d23h', 7, 'right', 'end', '~'), '  4d23h');
});

test('fit always gives exactly the width asked for', () => {
  fc.assert(
    fc.property(
      fc.string({ maxLength: 60 }),
      fc.integer({ min: 0, max: 40 }),
      fc.constantFrom('left', 'right'),
      fc.constantFrom('end', 'middle'),
      fc.constantFrom('~', '…'),
      (s, w, align, cut, e) => {
        assert.equal(fit(s, w, align as 'left', cut as 'end', e).length, w);
      },
    ),
  );
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 2 ** 53 }), (n) => {
      assert.ok(formatBytes(n).length <= 5, formatBytes(n));
    }),
  );
});
