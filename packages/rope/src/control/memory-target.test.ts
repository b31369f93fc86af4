import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseEndpoint, type Endpoint } from './address.js';
import type { Outcome } from './errors.js';
import { MemoryControlTarget, type ControlChange } from './memory-target.js';

const T0 = 1_700_000_000_000;
function clock() {
  let t = T0;
  return { now: () => t, advance: (s: number) => (t += s * 1000) };
}
const ep = (text: string): Endpoint => {
  const p = parseEndpoint(text);
  assert.ok(p.ok);
  return p.endpoint;
};
function value<T>(o: Outcome<T>): T {
  assert.ok(o.ok, !o.ok ? o.error.message : '');
  return o.value;
}
const addresses = (t: MemoryControlTarget) =>
  value(t.list()).entries.map(
    (e) => `${e.kind} ${e.address}${e.port ? `:${e.port}` : ''} ${e.secondsLeft}`,
  );

test('lock, block, list with the time left, ordered locks first, addresses by value', () => {
  const c = clock();
  const t = new MemoryControlTarget({ now: c.now });
  value(t.block({ target: ep('[2001:db8::7]:6881'), seconds: null, label: 'manual' }));
  value(t.block({ target: ep('198.51.100.7'), seconds: 60, label: 'bittorrent' }));
  value(t.block({ target: ep('198.51.100.7:80'), seconds: 60, label: 'bittorrent' }));
  value(t.lock({ target: ep('192.0.2.10'), seconds: 300, label: 'bittorrent' }));
  value(t.lock({ target: ep('192.0.2.9'), seconds: 300, label: 'manual' }));
  c.advance(1.5);
  assert.deepEqual(addresses(t), [
    'lock 192.0.2.9 299',
    'lock 192.0.2.10 299',
    'block 198.51.100.7 59',
    'block 198.51.100.7:80 59',
    'block 2001:db8::7:6881 null',
  ]);
});

test('entries lapse on the clock; locking again renews', () => {
  const c = clock();
  const t = new MemoryControlTarget({ now: c.now });
  const first = value(t.lock({ target: ep('192.0.2.10'), seconds: 10, label: 'x' }));
  assert.equal(first.renewed, false);
  assert.equal(first.entry.secondsLeft, 10);
  c.advance(8);
  assert.ok(t.isLocked('192.0.2.10'));
  const again = value(t.lock({ target: ep('192.0.2.10'), seconds: 10, label: 'x' }));
  assert.equal(again.renewed, true);
  assert.equal(again.entry.secondsLeft, 10);
  c.advance(9);
  assert.ok(t.isLocked('192.0.2.10'), 'renewed: still locked after 17 s');
  c.advance(1);
  assert.ok(!t.isLocked('192.0.2.10'), 'lapsed at 18 s');
  assert.deepEqual(value(t.list()).entries, []);
  // a renewal without seconds removes the expiry
  value(t.block({ target: ep('198.51.100.7'), seconds: 5, label: 'x' }));
  value(t.block({ target: ep('198.51.100.7'), seconds: null, label: 'x' }));
  c.advance(3600);
  assert.ok(t.isBlocked('198.51.100.7', 1234));
});

test('unlock and unblock remove exactly what was added, else not-found', () => {
  const t = new MemoryControlTarget({ now: clock().now });
  value(t.block({ target: ep('198.51.100.7:6881'), seconds: null, label: 'x' }));
  const miss = t.unblock(ep('198.51.100.7'));
  assert.ok(!miss.ok);
  assert.equal(miss.error.code, 'not-found');
  assert.match(miss.error.message, /198\.51\.100\.7 is not blocked as a whole host/);
  assert.equal(value(t.unblock(ep('198.51.100.7:6881'))).entry.port, 6881);
  const gone = t.unlock(ep('192.0.2.10'));
  assert.ok(!gone.ok);
  assert.equal(gone.error.message, '192.0.2.10 is not locked');
});

test('isBlocked: a whole host covers every port, a port block only its port', () => {
  const t = new MemoryControlTarget({ now: clock().now });
  value(t.block({ target: ep('198.51.100.7:6881'), seconds: null, label: 'x' }));
  value(t.block({ target: ep('2001:db8::9'), seconds: null, label: 'x' }));
  assert.ok(t.isBlocked('198.51.100.7', 6881));
  assert.ok(!t.isBlocked('198.51.100.7', 6882));
  assert.ok(t.isBlocked('2001:db8::9', 1));
  assert.ok(!t.isLocked('198.51.100.7'));
});

test('pass-all: reads, sets, and stops learning; manual changes still apply', () => {
  const t = new MemoryControlTarget({ now: clock().now });
  assert.deepEqual(value(t.passAll()), { passAll: false, changed: false });
  assert.ok(t.learnLock('192.0.2.10', 60, 'bittorrent'));
  assert.deepEqual(value(t.passAll(true)), { passAll: true, changed: true });
  assert.deepEqual(value(t.passAll(true)), { passAll: true, changed: false });
  assert.ok(t.passAllOn);
  assert.ok(!t.learnLock('192.0.2.11', 60, 'bittorrent'));
  assert.ok(!t.learnBlock('198.51.100.7', null, 60, 'bittorrent'));
  assert.ok(!t.isLocked('192.0.2.11'));
  value(t.block({ target: ep('198.51.100.8'), seconds: null, label: 'manual' }));
  assert.ok(t.isBlocked('198.51.100.8', 1));
  assert.equal(value(t.list()).passAll, true);
  assert.deepEqual(value(t.passAll(false)), { passAll: false, changed: true });
  assert.ok(t.learnBlock('198.51.100.7', 6881, 60, 'bittorrent'));
  assert.ok(!t.learnLock('not an address', 60, 'x'));
});

test('ban-dns keeps names once, in order; wildcard patterns match names below', () => {
  const t = new MemoryControlTarget({ now: clock().now });
  assert.deepEqual(value(t.banDns('tracker.example.com')), {
    name: 'tracker.example.com',
    added: true,
  });
  assert.deepEqual(value(t.banDns('*.example.net')), { name: '*.example.net', added: true });
  assert.equal(value(t.banDns('tracker.example.com')).added, false);
  assert.deepEqual(value(t.list()).dnsNames, ['tracker.example.com', '*.example.net']);
  assert.ok(t.isBannedName('tracker.example.com'));
  assert.ok(!t.isBannedName('example.com'));
  assert.ok(t.isBannedName('a.b.example.net'));
  assert.ok(!t.isBannedName('example.net'));
  assert.ok(!t.isBannedName('badexample.net'));
});

test('stats: the traffic callback plus the sizes of the sets', () => {
  const c = clock();
  let packets = 0;
  const t = new MemoryControlTarget({
    now: c.now,
    traffic: () => ({
      uptime: 12,
      totals: { packets: (packets += 10), bytes: 0, flows: 1, accepted: packets, dropped: 0 },
      labels: [{ label: 'bittorrent', packets, bytes: 0, flows: 1 }],
      hosts: [{ address: '192.0.2.10', p2pFlows: 1, labels: ['bittorrent'] }],
    }),
  });
  value(t.lock({ target: ep('192.0.2.10'), seconds: 1, label: 'x' }));
  value(t.banDns('example.com'));
  const s = value(t.stats());
  assert.equal(s.totals.packets, 10);
  assert.deepEqual([s.locked, s.blocked, s.dnsNames, s.passAll], [1, 0, 1, false]);
  assert.equal(s.hosts?.[0].address, '192.0.2.10');
  c.advance(1);
  assert.equal(value(t.stats()).locked, 0, 'lapsed entries are not counted');
  // without a callback: zeros and the uptime of the target
  const bare = new MemoryControlTarget({ now: c.now });
  c.advance(2.5);
  assert.equal(value(bare.stats()).uptime, 2.5);
});

test('a full set refuses new entries but renews old ones', () => {
  const c = clock();
  const t = new MemoryControlTarget({ now: c.now, maxEntries: 2 });
  value(t.block({ target: ep('198.51.100.1'), seconds: 5, label: 'x' }));
  value(t.block({ target: ep('198.51.100.2'), seconds: null, label: 'x' }));
  const full = t.block({ target: ep('198.51.100.3'), seconds: null, label: 'x' });
  assert.ok(!full.ok);
  assert.equal(full.error.code, 'refused');
  assert.equal(
    value(t.block({ target: ep('198.51.100.2'), seconds: 9, label: 'x' })).renewed,
    true,
  );
  c.advance(5);
  assert.ok(
    t.block({ target: ep('198.51.100.3'), seconds: null, label: 'x' }).ok,
    'room after a lapse',
  );
});

test('listeners hear additions, renewals, removals, lapses, pass-all and names', () => {
  const c = clock();
  const t = new MemoryControlTarget({ now: c.now });
  const heard: string[] = [];
  const stop = t.onChange((ch: ControlChange) =>
    heard.push('entry' in ch ? `${ch.type} ${ch.entry.address}` : `${ch.type}`),
  );
  value(t.lock({ target: ep('192.0.2.10'), seconds: 5, label: 'x' }));
  value(t.lock({ target: ep('192.0.2.10'), seconds: 5, label: 'x' }));
  value(t.block({ target: ep('198.51.100.7'), seconds: null, label: 'x' }));
  value(t.unblock(ep('198.51.100.7')));
  value(t.passAll(true));
  value(t.banDns('example.com'));
  c.advance(5);
  assert.equal(t.expire().length, 1);
  stop();
  value(t.lock({ target: ep('192.0.2.11'), seconds: 5, label: 'x' }));
  assert.deepEqual(heard, [
    'added 192.0.2.10',
    'renewed 192.0.2.10',
    'added 198.51.100.7',
    'removed 198.51.100.7',
    'pass-all',
    'ban-dns',
    'expired 192.0.2.10',
  ]);
});
