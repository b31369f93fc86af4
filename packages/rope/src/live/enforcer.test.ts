import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseIp } from '@p2pwall/core';
import type { TableChange } from '../tables/shared-table.js';
import { TableSet } from '../tables/table-set.js';
import type { EnforcementEvent } from './enforcement.js';
import { BLOCKED_TABLE, Enforcer, LOCKED_TABLE } from './enforcer.js';
import { parseCidrList } from './inside.js';
import type { KernelSets, SetChange } from './kernel-sets.js';

function fakeSets() {
  const changes: SetChange[] = [];
  let flushes = 0;
  const sets: KernelSets = {
    where: 'fake',
    change: (c) => changes.push(c),
    flushAll: async () => void flushes++,
    drain: async () => {},
    close: () => {},
  };
  return { sets, changes, flushes: () => flushes };
}

function setup(inside = '') {
  let now = 1000;
  const tables = new TableSet();
  tables.declare({ name: 'peers', capacity: 10, lifetime: 60 }, 't.rope');
  tables.declare({ name: 'plain', capacity: 10, lifetime: 60 }, 't.rope');
  const k = fakeSets();
  const sent: TableChange[][] = [];
  const e = new Enforcer({
    tables,
    broadcast: (b) => sent.push(b),
    kernelTables: new Set(['peers']),
    sets: k.sets,
    inside: inside ? parseCidrList(inside)! : [],
    now: () => now,
  });
  const events: EnforcementEvent[] = [];
  e.onEvent((ev) => events.push(ev));
  return { e, k, tables, sent, events, advance: (s: number) => (now += s) };
}

test('enforcer: a lock is a table entry and a kernel element; a renewal moves both, without a new event', () => {
  const { e, k, tables, sent, events, advance } = setup();
  assert.equal(e.lock('192.0.2.10', 20, 'gnutella'), true);
  advance(15);
  assert.equal(e.lock('192.0.2.10', 20, 'gnutella'), true);
  assert.deepEqual(events, [
    { kind: 'lock', label: 'gnutella', client: '192.0.2.10', peer: null, seconds: 20 },
  ]);
  assert.deepEqual(
    k.changes.map((c) => [c.set.kind, c.set.family, c.address, c.port, c.seconds]),
    [
      ['locked', 4, '192.0.2.10', null, 20],
      ['locked', 4, '192.0.2.10', null, 20],
    ],
  );
  const t = tables.get(LOCKED_TABLE)!;
  assert.equal(t.remaining('\xc0\x00\x02\x0a', 1015), 20, 'renewed from the later match');
  assert.deepEqual(e.entries(), [
    { kind: 'lock', address: '192.0.2.10', port: null, label: 'gnutella', secondsLeft: 20 },
  ]);
  e.flush();
  assert.equal(sent.flat().length, 2, 'the engines get both changes');
  advance(21);
  assert.deepEqual(e.entries(), [], 'lapsed');
  assert.equal(e.lock('192.0.2.10', 20, 'gnutella'), true);
  assert.equal(events.length, 2, 'a lock after a lapse is new again');
  assert.equal(e.unlock('192.0.2.10'), true);
  assert.equal(e.unlock('192.0.2.10'), false);
  assert.deepEqual(k.changes.at(-1), {
    set: { kind: 'locked', family: 4, port: false },
    address: '192.0.2.10',
    port: null,
    seconds: null,
  });
});

test('enforcer: lock:S finds the inside host, block-peer:S the outside endpoint', () => {
  const { e, events } = setup('192.0.2.0/24');
  // the outside host opened the flow: with --inside the client is the responder
  e.enforce({
    script: 'gnutella',
    action: 'lock:30',
    from: '198.51.100.7:6346',
    to: '192.0.2.10:50000',
  });
  e.enforce({
    script: 'bittorrent',
    action: 'block-peer:600',
    from: '192.0.2.11:40000',
    to: '[2001:db8::7]:6881',
  });
  e.enforce({ script: 'x', action: 'drop', from: '192.0.2.1:1', to: '192.0.2.2:2' });
  assert.deepEqual(
    events.map((v) => [v.kind, v.client, v.peer, v.seconds]),
    [
      ['lock', '192.0.2.10', null, 30],
      ['block', null, '[2001:db8::7]:6881', 600],
    ],
  );
  assert.deepEqual(
    e.entries().map((x) => [x.kind, x.address, x.port, x.label]),
    [
      ['lock', '192.0.2.10', null, 'gnutella'],
      ['block', '2001:db8::7', 6881, 'bittorrent'],
    ],
  );
  const plain = setup();
  plain.e.enforce({ script: 'g', action: 'lock:5', from: '198.51.100.7:1', to: '192.0.2.10:2' });
  assert.equal(plain.events[0].client, '198.51.100.7', 'without --inside: the initiator');
});

test('enforcer: kernel tables go to the learned sets; other tables and other keys stay out', () => {
  const { e, k } = setup();
  e.fromEngines([
    { table: 'peers', key: '\xc6\x33\x64\x07\x1a\xe1', expires: 1060, value: 0, note: 'x' },
    { table: 'peers', key: '\xc6\x33\x64\x08', expires: 1060, value: 0, note: '' },
    { table: 'peers', key: 'abc', expires: 1060, value: 0, note: '' },
    { table: 'plain', key: '\xc6\x33\x64\x07', expires: 1060, value: 0, note: '' },
    { table: 'peers', key: '\xc6\x33\x64\x08', expires: 0, value: 0, note: '' },
  ]);
  assert.deepEqual(
    k.changes.map((c) => [c.set.kind, c.set.port, c.address, c.port, c.seconds]),
    [
      ['learned', true, '198.51.100.7', 6881, 60],
      ['learned', false, '198.51.100.8', null, 60],
      ['learned', false, '198.51.100.8', null, null],
    ],
  );
});

test('enforcer: pass-all stops the filling and empties the kernel sets; off puts the entries back', async () => {
  const { e, k, tables } = setup();
  e.block(parseIp('198.51.100.9')!, null, 100, 'manual');
  await e.setPassAll(true);
  assert.equal(k.flushes(), 1);
  assert.equal(e.lock('192.0.2.10', 20, 'g'), false, 'nothing is locked under pass-all');
  e.blockPeer(parseIp('198.51.100.10')!, 1, 20, 'g');
  assert.equal(tables.get(BLOCKED_TABLE)!.size, 1);
  const before = k.changes.length;
  await e.setPassAll(false);
  assert.deepEqual(
    k.changes.slice(before).map((c) => [c.set.kind, c.address, c.seconds]),
    [['blocked', '198.51.100.9', 100]],
  );
});
