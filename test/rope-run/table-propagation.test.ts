// Tables across queues (issue #13: a key one queue's engine learns is seen by every other queue's),
// through rope run's own path: queue engines in worker threads, each with its Decider, tables and
// TableSync, the main thread's RunTables and TableHub relaying the `tables` messages, while every
// engine handles packets back to back. No privileges: the packets are handed to the Deciders as
// NfQueue would. The latency is measured (tools/bench/table-propagation.ts, `npm run bench --
// tables`), not asserted: this machine's load decides it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { measurePropagation } from '../../tools/bench/table-propagation.js';

test('tables across queue workers: every probe one engine learns reaches every other engine and the replica', async () => {
  const r = await measurePropagation({ engines: 3, probes: 10, probeEveryMs: 10 });
  assert.equal(r.added, 30, 'each engine learned its probes');
  assert.equal(r.expected, 60);
  assert.equal(r.seenWithKey, 60, 'each probe reached both other engines, in their tables');
  assert.equal(r.latenciesMs.length, 60);
  assert.equal(r.inReplica, 30, 'the main thread’s replica (what --state saves) holds every probe');
  assert.ok(r.packets > 0);
});
