import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UsageError } from './command.js';
import { DEFAULT_QUEUE_LINGER_MS, queueLingerMs } from './queue-linger.js';

test('P2PWALL_QUEUE_LINGER_MS: unset is the default, 0 turns lingering off, 4 at most', () => {
  assert.equal(queueLingerMs({}), DEFAULT_QUEUE_LINGER_MS);
  assert.equal(queueLingerMs({ P2PWALL_QUEUE_LINGER_MS: '' }), DEFAULT_QUEUE_LINGER_MS);
  assert.equal(queueLingerMs({ P2PWALL_QUEUE_LINGER_MS: '0' }), 0);
  assert.equal(queueLingerMs({ P2PWALL_QUEUE_LINGER_MS: '4' }), 4);
  for (const bad of ['5', '-1', '1.5', 'abc', ' 2'])
    assert.throws(
      () => queueLingerMs({ P2PWALL_QUEUE_LINGER_MS: bad }),
      (e: Error) =>
        e instanceof UsageError &&
        e.message ===
          `P2PWALL_QUEUE_LINGER_MS: '${bad}' is not a whole number of milliseconds in 0..4`,
    );
});
