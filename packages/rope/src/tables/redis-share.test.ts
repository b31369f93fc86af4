// RedisShare against a real redis-server (unix socket in a temp dir): engines converge, a dead
// server changes nothing locally, and a new server is filled again from the engines' tables.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RedisShare } from './redis-share.js';
import { TestRedis } from './redis-test-server.test-support.js';
import type { SharedTable } from './shared-table.js';
import { TableSet } from './table-set.js';
import { tableSetSide } from './table-set-side.js';
import { TableSync } from './table-sync.js';

const spec = { name: 'peers', capacity: 1000, lifetime: 600 };
const now = () => Date.now() / 1000;

/** Polls `ok()` every 20 ms for at most 30 s (the machine is shared; no timing asserted). */
async function until(what: string, ok: () => boolean): Promise<void> {
  for (let i = 0; i < 1500 && !ok(); i++) await new Promise((r) => setTimeout(r, 20));
  assert.ok(ok(), `timed out waiting for ${what}`);
}

interface Node {
  set: TableSet;
  peers: SharedTable;
  share: RedisShare;
  sync: TableSync;
  log: string[];
  stop(): Promise<void>;
}

function node(redis: TestRedis, name: string, declare = true): Node {
  const set = new TableSet();
  const peers = declare ? (set.declare(spec, 'x.rope') as SharedTable) : (null as never);
  const log: string[] = [];
  const share = RedisShare.start(
    { kind: 'unix', path: redis.socket, db: 0 },
    tableSetSide(set, now),
    {
      now,
      log: (l) => log.push(l),
      origin: name,
      retryMinMs: 20,
      retryMaxMs: 200,
    },
  );
  const sync = new TableSync(set, (b) => share.publish(b), now);
  return {
    set,
    peers,
    share,
    sync,
    log,
    async stop() {
      sync.stop();
      await share.stop();
    },
  };
}

test('redis share: two engines converge on adds, renewals and deletes, and ignore their own echoes', async () => {
  const redis = new TestRedis();
  const nodes: Node[] = [];
  try {
    await redis.start();
    const a = node(redis, 'a');
    const b = node(redis, 'b');
    nodes.push(a, b);
    await until('both connected', () => a.share.connected && b.share.connected);
    assert.match(a.log.join('\n'), /share: connected to unix:.*redis\.sock; read 0 keys, pushed 0/);

    a.peers.add('\xc0\x00\x02\x01', now(), 60, 1, 'gnutella');
    await until('b learns the key', () => b.peers.has('\xc0\x00\x02\x01', now()));
    const e = b.peers.find('\xc0\x00\x02\x01', now())!;
    assert.equal(e.value, 1);
    assert.equal(e.note, 'gnutella');
    // the remaining lifetime travelled, not the table's default (600 s)
    assert.ok(
      e.expires <= now() + 60 && e.expires > now() + 30,
      `expires ${e.expires - now()} s from now`,
    );

    b.peers.add('\xc0\x00\x02\x01', now(), 300, 7);
    await until('a sees the renewal', () => a.peers.get('\xc0\x00\x02\x01', now()) === 7);
    assert.ok(a.peers.remaining('\xc0\x00\x02\x01', now()) > 200);

    // a key renewed many times in one turn goes out once, in its last state
    const published = a.share.counters.published;
    for (let v = 1; v <= 50; v++) a.peers.add('busy', now(), 60, v);
    await until('b sees the last renewal', () => b.peers.get('busy', now()) === 50);
    assert.equal(a.share.counters.published - published, 1);

    a.peers.delete('\xc0\x00\x02\x01');
    await until('b forgets the key', () => !b.peers.has('\xc0\x00\x02\x01', now()));

    await until('a heard its three messages back', () => a.share.counters.echoes >= 3);
    assert.equal(a.share.counters.applied, 1, "a applied only b's renewal");
    assert.equal(b.share.counters.applied, 3, "b applied a's add, busy key and delete");
    assert.equal(a.share.counters.malformed + b.share.counters.malformed, 0);
  } finally {
    await Promise.all(nodes.map((n) => n.stop()));
    await redis.close();
  }
});

test('redis share: with Redis dead the tables go on locally; a new server is filled again and an engine that starts later reads it all', async () => {
  const redis = new TestRedis();
  const nodes: Node[] = [];
  try {
    await redis.start();
    const a = node(redis, 'a');
    const b = node(redis, 'b');
    nodes.push(a, b);
    await until('both connected', () => a.share.connected && b.share.connected);
    a.peers.add('one', now(), 120);
    await until('b learns one', () => b.peers.has('one', now()));

    await redis.kill();
    await until('a notices the loss', () => !a.share.connected);
    assert.match(
      a.log.join('\n'),
      /share: lost unix:.*; going on with the local tables, reconnecting/,
    );
    a.peers.add('two', now(), 120, 2);
    b.peers.add('three', now(), 120, 3);
    a.sync.flush();
    b.sync.flush();
    // local adds work as before, nothing is thrown, nothing is sent
    assert.ok(a.peers.has('two', now()) && b.peers.has('three', now()));
    assert.ok(!b.peers.has('two', now()));
    assert.ok(a.share.counters.unpublished >= 1);

    await redis.start(); // empty: no persistence
    await until('both reconnected', () => a.share.connected && b.share.connected);
    assert.match(a.log.join('\n'), /share: reconnected to unix:/);
    assert.equal(a.log.filter((l) => l.includes('lost')).length, 1, 'one line per loss');
    await until(
      'b gets two and a gets three',
      () => b.peers.has('two', now()) && a.peers.has('three', now()),
    );
    assert.equal(b.peers.get('two', now()), 2);

    // an engine restarted from nothing reads the fleet's tables from Redis
    const c = node(redis, 'c');
    nodes.push(c);
    await until('c connected', () => c.share.connected);
    for (const k of ['one', 'two', 'three']) assert.ok(c.peers.has(k, now()), `c has ${k}`);
    assert.ok(c.share.counters.resyncRead >= 3);
  } finally {
    await Promise.all(nodes.map((n) => n.stop()));
    await redis.close();
  }
});

test('redis share: an unreachable server at start is a log line, not an error; the share connects when it appears', async () => {
  const redis = new TestRedis();
  const nodes: Node[] = [];
  try {
    const a = node(redis, 'a');
    nodes.push(a);
    await until('a says it cannot reach Redis', () =>
      a.log.some((l) => l.includes('cannot reach')),
    );
    a.peers.add('early', now(), 120);
    a.sync.flush();
    assert.ok(a.peers.has('early', now()));
    await redis.start();
    await until('a connected', () => a.share.connected);
    const b = node(redis, 'b');
    nodes.push(b);
    await until('b reads early', () => b.share.connected && b.peers.has('early', now()));
    assert.equal(a.log.filter((l) => l.includes('cannot reach')).length, 1);
  } finally {
    await Promise.all(nodes.map((n) => n.stop()));
    await redis.close();
  }
});
