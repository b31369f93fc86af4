import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseNfqProcStats } from './proc-stats.js';

test('nfqueue /proc stats: lines as the kernel prints them', () => {
  // copied from /proc/net/netfilter/nfnetlink_queue on Linux 6.18 (queue 3 bound by the probe,
  // copy range 128), plus a second queue with drops
  const text =
    '    3 134248001     0 2   128     0     0        0  1\n  100  29871    12 2 65531   250    17  4000000  1\n';
  assert.deepEqual(parseNfqProcStats(text), [
    {
      queue: 3,
      portId: 134248001,
      waiting: 0,
      copyMode: 2,
      copyRange: 128,
      queueDropped: 0,
      userDropped: 0,
      idSequence: 0,
    },
    {
      queue: 100,
      portId: 29871,
      waiting: 12,
      copyMode: 2,
      copyRange: 65531,
      queueDropped: 250,
      userDropped: 17,
      idSequence: 4000000,
    },
  ]);
  assert.deepEqual(parseNfqProcStats(''), []);
  assert.deepEqual(parseNfqProcStats('garbage here\n'), []);
});
