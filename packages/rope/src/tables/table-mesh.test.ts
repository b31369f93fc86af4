import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MessageChannel } from 'node:worker_threads';
import type { SharedTable, TableChange } from './shared-table.js';
import { joinMesh, meshPorts } from './table-mesh.js';
import { TableSet } from './table-set.js';
import { TableHub, TableSync } from './table-sync.js';

const spec = { name: 'peers', capacity: 100, lifetime: 60 };
const now = () => 1000;

/** Waits until `ok()` holds (ports deliver on later turns of the event loop), at most 10 s. */
async function until(ok: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !ok(); i++) await new Promise((r) => setTimeout(r, 10));
}

test('meshPorts: one channel per pair of engines, each engine an end of each', () => {
  const ports = meshPorts(4);
  try {
    assert.deepEqual(
      ports.map((p) => p.length),
      [3, 3, 3, 3],
    );
    assert.equal(new Set(ports.flat()).size, 12, 'no port shared');
  } finally {
    for (const p of ports.flat()) p.close();
  }
});

test('table mesh: engines get each other’s keys directly; the hub keeps the replica and relays only to engines off the mesh', async () => {
  const hub = new TableHub(new TableSet(), now);
  hub.replica.declare(spec, 'x.rope');
  const mesh = meshPorts(3);
  const fromHub: number[][] = [[], [], []];
  const tables: SharedTable[] = [];
  const syncs: TableSync[] = [];
  const closers: (() => void)[] = [];
  const channels: MessageChannel[] = [];
  // an engine off the mesh (as --share attaches): everything reaches it through the hub
  const outside: TableChange[] = [];
  hub.attach(99, (b) => outside.push(...b));
  for (let id = 0; id < 3; id++) {
    const set = new TableSet();
    tables.push(set.declare(spec, 'x.rope') as SharedTable);
    const ch = new MessageChannel();
    channels.push(ch);
    const sync = new TableSync(set, (b) => ch.port1.postMessage(b), now);
    syncs.push(sync);
    closers.push(joinMesh(sync, mesh[id], (b) => sync.receive(b)));
    ch.port1.on('message', (b: TableChange[]) => {
      fromHub[id].push(b.length);
      sync.receive(b);
    });
    ch.port2.on('message', (b: TableChange[]) => hub.fromEngine(id, b));
    hub.attach(id, (b) => ch.port2.postMessage(b), true);
  }
  try {
    tables[0].add('a', 1000);
    tables[2].add('c', 1000);
    const replica = hub.replica.get('peers')!;
    await until(
      () =>
        tables.every((t) => t.has('a', 1001) && t.has('c', 1001)) &&
        replica.has('a', 1001) &&
        replica.has('c', 1001) &&
        outside.length === 2,
    );
    for (const t of [...tables, replica])
      assert.deepEqual([t.has('a', 1001), t.has('c', 1001)], [true, true]);
    assert.deepEqual(outside.map((c) => c.key).sort(), ['a', 'c']);
    assert.deepEqual(fromHub, [[], [], []], 'the hub sent no meshed engine what another sent it');
    // what the main thread changes (the control socket, --state) still goes to every engine
    hub.broadcast([{ table: 'peers', key: 'm', expires: 2000, value: 0, note: '' }]);
    await until(() => tables.every((t) => t.has('m', 1001)));
    assert.ok(tables.every((t) => t.has('m', 1001)));
    assert.equal(syncs[1].sent, 0, 'applying a received change does not send it on');
  } finally {
    for (const s of syncs) s.stop();
    for (const c of closers) c();
    for (const ch of channels) {
      ch.port1.close();
      ch.port2.close();
    }
  }
});
