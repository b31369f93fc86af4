import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MessageChannel } from 'node:worker_threads';
import type { SharedTable, TableChange } from './shared-table.js';
import { TableSet } from './table-set.js';
import { TableHub, TableSync } from './table-sync.js';

const spec = { name: 'peers', capacity: 100, lifetime: 60 };
const now = () => 1000;

/** Waits until `ok()` holds (the ports deliver on later turns of the event loop), at most 10 s. */
async function until(ok: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !ok(); i++) await new Promise((r) => setTimeout(r, 10));
}

function engine(): { set: TableSet; peers: SharedTable } {
  const set = new TableSet();
  return { set, peers: set.declare(spec, 'x.rope') as SharedTable };
}

test('table sync: a key learned by one engine reaches the others and the hub, one batch a turn, no echo', async () => {
  const hub = new TableHub(engine().set, now);
  const engines = [engine(), engine(), engine()];
  const syncs: TableSync[] = [];
  const ports: MessageChannel[] = [];
  const batches: number[] = [];
  engines.forEach((e, id) => {
    // each engine talks to the hub over a real MessagePort, as a worker thread would
    const ch = new MessageChannel();
    ports.push(ch);
    const sync = new TableSync(e.set, (b) => ch.port1.postMessage(b), now);
    syncs.push(sync);
    ch.port1.on('message', (b: TableChange[]) => sync.receive(b));
    ch.port2.on('message', (b: TableChange[]) => {
      batches.push(b.length);
      hub.fromEngine(id, b);
    });
    hub.attach(id, (b) => ch.port2.postMessage(b));
  });
  try {
    engines[0].peers.add('a', 1000);
    engines[0].peers.add('b', 1000);
    engines[0].peers.set('b', 5, 1000);
    const replica = hub.replica.get('peers')!;
    const everywhere = [engines[1].peers, engines[2].peers, replica];
    await until(() => everywhere.every((t) => t.get('b', 1001) === 5));
    assert.deepEqual(batches, [3], 'the three changes of one turn went as one batch');
    for (const t of everywhere) {
      assert.equal(t.has('a', 1001), true);
      assert.equal(t.get('b', 1001), 5);
    }
    assert.equal(syncs[1].sent, 0, 'applying a received change does not send it back');
    engines[2].peers.delete('a');
    await until(() => !engines[0].peers.has('a', 1001) && !replica.has('a', 1001));
    assert.equal(engines[0].peers.has('a', 1001), false);
    assert.equal(replica.has('a', 1001), false);
  } finally {
    // open ports would keep the test process alive
    for (const s of syncs) s.stop();
    for (const ch of ports) {
      ch.port1.close();
      ch.port2.close();
    }
  }
});
