// The control target of rope run over a real ControlServer and ControlClient (a unix socket in a
// temp directory), with the Enforcer behind it and fake kernel sets.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ControlClient } from '../control/client.js';
import { ControlServer } from '../control/server.js';
import { TableSet } from '../tables/table-set.js';
import { EngineControlTarget, NO_DNS_TRAIN } from './engine-target.js';
import type { EnforcementEvent } from './enforcement.js';
import { Enforcer } from './enforcer.js';
import type { SetChange } from './kernel-sets.js';
import { mergeSnapshots } from './stats.js';

test('engine target: rope ctl lock/block/list/unlock/pass-all/ban-dns reach the enforcer and the kernel sets', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rope-engine-target-'));
  const changes: SetChange[] = [];
  const enforcer = new Enforcer({
    tables: new TableSet(),
    broadcast: () => {},
    kernelTables: new Set(),
    sets: {
      where: 'fake',
      change: (c) => changes.push(c),
      flushAll: async () => {},
      drain: async () => {},
      close: () => {},
    },
    inside: [],
  });
  const events: EnforcementEvent[] = [];
  enforcer.onEvent((e) => events.push(e));
  const passAll: boolean[] = [];
  const target = new EngineControlTarget({
    enforcer,
    snapshot: async () => ({ ...mergeSnapshots([], 3), queues: [] }),
    setPassAll: (on) => passAll.push(on),
    dnsTrain: true,
  });
  const server = await ControlServer.listen({ path: join(dir, 'rope.sock'), target });
  const client = new ControlClient(server.path, { timeoutMs: 5000 });
  try {
    const locked = await client.request('lock', { address: '192.0.2.10', seconds: 60 });
    assert.ok(locked.ok);
    assert.deepEqual(locked.value.entry, {
      kind: 'lock',
      address: '192.0.2.10',
      port: null,
      label: 'manual',
      secondsLeft: 60,
    });
    assert.equal(locked.value.renewed, false);
    const again = await client.request('lock', { address: '192.0.2.10', seconds: 90 });
    assert.ok(again.ok && again.value.renewed);
    const blocked = await client.request('block', {
      address: '2001:db8::7',
      port: 6881,
      seconds: 30,
    });
    assert.ok(blocked.ok);
    const list = await client.request('list', {});
    assert.ok(list.ok);
    assert.deepEqual(
      list.value.entries.map((e) => [e.kind, e.address, e.port, e.label, e.secondsLeft]),
      [
        ['lock', '192.0.2.10', null, 'manual', 90],
        ['block', '2001:db8::7', 6881, 'manual', 30],
      ],
    );
    assert.deepEqual(
      events.map((e) => [e.kind, e.label, e.client, e.peer]),
      [
        ['lock', 'ctl', '192.0.2.10', null],
        ['block', 'ctl', null, '[2001:db8::7]:6881'],
      ],
    );
    const wrong = await client.request('unblock', { address: '2001:db8::7' });
    assert.ok(!wrong.ok && wrong.error.code === 'not-found');
    assert.match(wrong.ok ? '' : wrong.error.message, /is not blocked as a whole host/);
    assert.ok((await client.request('unlock', { address: '192.0.2.10' })).ok);
    const gone = await client.request('unlock', { address: '192.0.2.10' });
    assert.ok(!gone.ok && gone.error.code === 'not-found');
    assert.deepEqual(
      changes.map((c) => [c.set.kind, c.set.family, c.set.port, c.address, c.port, c.seconds]),
      [
        ['locked', 4, false, '192.0.2.10', null, 60],
        ['locked', 4, false, '192.0.2.10', null, 90],
        ['blocked', 6, true, '2001:db8::7', 6881, 30],
        ['locked', 4, false, '192.0.2.10', null, null],
      ],
    );

    const on = await client.request('pass-all', { on: true });
    assert.ok(on.ok && on.value.changed && on.value.passAll);
    assert.deepEqual(passAll, [true], 'every queue host is told');
    const refused = await client.request('lock', { address: '192.0.2.11', seconds: 5 });
    assert.ok(!refused.ok && refused.error.code === 'refused');
    assert.ok((await client.request('pass-all', { on: false })).ok);

    const ban = await client.request('ban-dns', { name: '*.Tracker.example.org' });
    assert.ok(ban.ok && ban.value.added);
    assert.deepEqual(target.bannedDnsNames(), ['*.tracker.example.org']);
    const stats = await client.request('stats', {});
    assert.ok(stats.ok);
    assert.deepEqual(
      [stats.value.locked, stats.value.blocked, stats.value.dnsNames, stats.value.passAll],
      [0, 1, 1, false],
    );
  } finally {
    client.close();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('engine target: ban-dns is refused, with what to do, when rope run has no --dns-train', () => {
  const target = new EngineControlTarget({
    enforcer: new Enforcer({
      tables: new TableSet(),
      broadcast: () => {},
      kernelTables: new Set(),
      sets: {
        where: 'fake',
        change: () => {},
        flushAll: async () => {},
        drain: async () => {},
        close: () => {},
      },
      inside: [],
    }),
    snapshot: async () => ({ ...mergeSnapshots([], 3), queues: [] }),
    setPassAll: () => {},
    dnsTrain: false,
  });
  let heard = 0;
  target.onBanDns(() => heard++);
  assert.deepEqual(target.banDns('tracker.example.org'), {
    ok: false,
    error: { code: 'refused', message: NO_DNS_TRAIN },
  });
  assert.match(NO_DNS_TRAIN, /--dns-train FILE/);
  assert.deepEqual([target.bannedDnsNames(), heard], [[], 0], 'nothing is kept');
});
