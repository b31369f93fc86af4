import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCli } from './args.js';
import { opensView } from './opens-view.js';

test('the view opens on a terminal only, and not with --cleanup, --list, --yes or --json', () => {
  assert.equal(opensView(parseCli(['192.0.2.10']), true), true);
  assert.equal(opensView(parseCli([]), true), true, 'no argument: every connection, in the view');
  assert.equal(opensView(parseCli(['192.0.2.10']), false), false, 'stdout redirected');
  for (const args of [
    ['--list', '192.0.2.10'],
    ['-l', '192.0.2.10'],
    ['--yes', '192.0.2.10'],
    ['-yj', '192.0.2.10'],
    ['--json', '192.0.2.10'],
    ['--cleanup'],
  ])
    assert.equal(opensView(parseCli(args), true), false, args.join(' '));
});
