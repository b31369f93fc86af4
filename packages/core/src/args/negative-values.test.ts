import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseArgs } from 'node:util';
import { negativeNumbersAsValues } from './negative-values.js';

const options = {
  window: { type: 'string' },
  timeout: { type: 'string', short: 't' },
  yes: { type: 'boolean', short: 'y' },
  ipv4: { type: 'boolean', short: '4' },
} as const;

test('a negative number after an option that takes a value becomes its value', () => {
  assert.deepEqual(negativeNumbersAsValues(['--window', '-1'], options), ['--window=-1']);
  assert.deepEqual(negativeNumbersAsValues(['-t', '-5', 'x'], options), ['--timeout=-5', 'x']);
  assert.deepEqual(negativeNumbersAsValues(['-yt', '-5'], options), ['-y', '--timeout=-5']);
  assert.deepEqual(negativeNumbersAsValues(['--window=-3'], options), ['--window=-3']);
  assert.deepEqual(negativeNumbersAsValues(['--window', '-1:2'], options), ['--window=-1:2']);
  assert.deepEqual(negativeNumbersAsValues(['--yes', '-1'], options), ['--yes', '--', '-1']);
  const { values } = parseArgs({
    args: negativeNumbersAsValues(['--window', '-1.5'], options),
    options,
  });
  assert.equal(values.window, '-1.5');
});

test('a negative number where no option takes it is a positional, in order', () => {
  const args = negativeNumbersAsValues(['192.0.2.1', '-1', '--yes', '198.51.100.1', '-2'], options);
  assert.deepEqual(args, ['--yes', '--', '192.0.2.1', '-1', '198.51.100.1', '-2']);
  const { positionals, values } = parseArgs({ args, options, allowPositionals: true });
  assert.deepEqual(positionals, ['192.0.2.1', '-1', '198.51.100.1', '-2']);
  assert.equal(values.yes, true);
});

test('short options that are digits stay options; other arguments are untouched', () => {
  assert.deepEqual(negativeNumbersAsValues(['-4', 'x'], options), ['-4', 'x']);
  const same = ['a', '--window', '3', '-y', 'b', '--', '-1'];
  assert.deepEqual(negativeNumbersAsValues(same, options), same);
  assert.deepEqual(negativeNumbersAsValues(['--window', '-x'], options), ['--window', '-x']);
});
