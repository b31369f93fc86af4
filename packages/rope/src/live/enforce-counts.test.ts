// rope run's enforcement counters without a kernel: counted by the enforcer where locks and
// blocks happen, summed over threads with the packet counters, the main thread's part and the
// gauges added (enforce-census.ts), and shown as text, in the --stats-json line, in /metrics and
// in `rope ctl stats`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseIp } from '@p2pwall/core';
import { isResultOf } from '../control/results.js';
import { formatStats } from '../control/format.js';
import type { TableChange } from '../tables/shared-table.js';
import { TableSet } from '../tables/table-set.js';
import { withEnforcement } from './enforce-census.js';
import { formatEnforcement, zeroEnforceCounts, type EnforceCounts } from './enforce-counts.js';
import { BLOCKED_TABLE, Enforcer, LOCKED_TABLE } from './enforcer.js';
import { EngineControlTarget } from './engine-target.js';
import { RopeMetrics } from './prometheus.js';
import { mergeDetails } from './queue-metrics.js';
import { formatSnapshot, mergeSnapshots, snapshotJson, type LiveSnapshot } from './stats.js';

function enforcer() {
  let now = 1000;
  const tables = new TableSet();
  tables.declare({ name: 'peers', capacity: 10, lifetime: 60 }, 't.rope');
  const e = new Enforcer({
    tables,
    broadcast: () => {},
    kernelTables: new Set(['peers']),
    sets: null,
    inside: [],
    now: () => now,
  });
  return { e, tables, advance: (s: number) => (now += s), now: () => now };
}

const ip = (a: string) => parseIp(a)!;

/** An engine's batch through the enforcer as RunTables.attach passes it. */
function fromEngine(
  x: ReturnType<typeof enforcer>,
  batch: TableChange[],
  source: 'table' | 'share',
) {
  const fresh = x.e.newInBatch(batch);
  for (const c of batch) x.tables.apply(c, x.now());
  x.e.fromEngines(batch, fresh, source);
}

test('enforcer counts: locks started, renewed, unlocked; blocks by source, renewed, unblocked', () => {
  const x = enforcer();
  const { e } = x;
  e.enforce({ script: 'gnutella', action: 'lock:20', from: '192.0.2.10:1', to: '198.51.100.1:2' });
  e.enforce({ script: 'gnutella', action: 'lock:20', from: '192.0.2.10:3', to: '198.51.100.1:2' });
  e.lock('192.0.2.11', 60, 'manual', 'ctl');
  assert.equal(e.unlock('192.0.2.11'), true);
  assert.equal(e.unlock('192.0.2.11'), false, 'not locked any more: not counted');
  assert.deepEqual(e.locks, { started: 2, renewed: 1, unlocked: 1 });

  e.enforce({
    script: 'bt',
    action: 'block-peer:60',
    from: '192.0.2.10:1',
    to: '198.51.100.1:6881',
  });
  e.enforce({
    script: 'bt',
    action: 'block-peer:60',
    from: '192.0.2.12:1',
    to: '198.51.100.1:6881',
  });
  e.blockPeer(ip('198.51.100.2'), null, 300, 'dns-train');
  e.blockPeer(ip('198.51.100.3'), 5000, 60, 'bt');
  e.block(ip('198.51.100.4'), 80, null, 'manual', 'ctl', 'ctl');
  assert.equal(e.unblock('198.51.100.4', 80), true);
  // a learned peer from a queue engine, and one from the fleet; the same again renews nothing
  const learned = (key: string): TableChange => ({
    table: 'peers',
    key,
    expires: x.now() + 60,
    value: 0,
    note: '',
  });
  fromEngine(x, [learned('\xc6\x33\x64\x07\x1a\xe1'), learned('not an address')], 'table');
  fromEngine(x, [learned('\xc6\x33\x64\x07\x1a\xe1')], 'table');
  fromEngine(
    x,
    [
      { table: BLOCKED_TABLE, key: '\xc6\x33\x64\x09', expires: x.now() + 60, value: 0, note: 'x' },
      { table: LOCKED_TABLE, key: '\xc0\x00\x02\x14', expires: x.now() + 60, value: 0, note: 'x' },
    ],
    'share',
  );
  assert.deepEqual(e.blocks, {
    match: 1,
    table: 1,
    dns: 1,
    cut: 1,
    ctl: 1,
    share: 1,
    renewed: 1,
    unblocked: 1,
  });
  assert.equal(e.locks.started, 3, 'a lock from the fleet is a new lock');
  // now: 192.0.2.10 and 192.0.2.20 locked; blocked: .1:6881, .2, .3:5000, .9 and the learned .7:6881
  assert.deepEqual(e.census(), { lockedClients: 2, blockedPeers: 5 });
  x.advance(61);
  assert.deepEqual(
    e.census(),
    { lockedClients: 0, blockedPeers: 1 },
    'only the DNS block (300 s) is left',
  );
});

test('enforcer counts: pass-all refuses, and what it refuses is not counted', async () => {
  const { e } = enforcer();
  await e.setPassAll(true);
  e.lock('192.0.2.10', 20, 'g');
  e.blockPeer(ip('198.51.100.2'), null, 300, 'dns-train');
  assert.deepEqual(e.locks, { started: 0, renewed: 0, unlocked: 0 });
  assert.equal(e.blocks.dns, 0);
});

/** A thread's snapshot with its cuts and DNS answers. */
function threadPart(tcpReset: number, answers: number): LiveSnapshot {
  const s = mergeSnapshots([], 1);
  s.enforcement.cuts.tcpReset = tcpReset;
  s.enforcement.cuts.udpBlocked = 1;
  s.enforcement.dns = { answers, matched: 1, trained: 2, ignored: 0 };
  return s;
}

test('enforcement counts: the threads are summed; the main thread adds locks, blocks, exec and the gauges', () => {
  const sum = mergeSnapshots([threadPart(2, 10), threadPart(3, 5)], 9);
  assert.deepEqual(sum.enforcement.cuts, {
    tcpReset: 5,
    tcpFailed: 0,
    udpBlocked: 2,
    udpFailed: 0,
    other: 0,
    sendErrors: 0,
  });
  assert.deepEqual(sum.enforcement.dns, { answers: 15, matched: 2, trained: 4, ignored: 0 });
  const { e } = enforcer();
  e.lock('192.0.2.10', 20, 'g');
  e.block(ip('198.51.100.4'), null, 30, 'manual', 'ctl', 'ctl');
  const all = withEnforcement(sum, e, null);
  assert.equal(all.enforcement.lockedClients, 1);
  assert.equal(all.enforcement.blockedPeers, 1);
  assert.equal(all.enforcement.locks.started, 1);
  assert.equal(all.enforcement.blocks.ctl, 1);
  assert.equal(all.enforcement.cuts.tcpReset, 5, 'the threads’ part stays');
  assert.deepEqual(sum.enforcement.locks.started, 0, 'the sum itself is not changed');
  const json = JSON.parse(snapshotJson(all));
  assert.deepEqual(json.enforcement, all.enforcement);
  assert.match(
    formatSnapshot(all),
    /^enforcement: 1 locked, 1 blocked now; locks 1; blocks 1 \(ctl 1\); cuts 7 \(tcp reset 5, udp blocked 2\); dns answers 15 \(matched 2, trained 4\)$/m,
  );
});

test('enforcement text: no line while nothing was enforced; exec shown once a command ran', () => {
  const c = zeroEnforceCounts();
  assert.equal(formatEnforcement(c), null);
  assert.doesNotMatch(formatSnapshot(mergeSnapshots([], 1)), /enforcement/);
  c.exec.block = { started: 3, ok: 1, failed: 1, dropped: 2 };
  c.locks.renewed = 4;
  assert.equal(
    formatEnforcement(c),
    'enforcement: 0 locked, 0 blocked now; locks 0 (renewed 4); blocks 0; cuts 0; exec 3 (ok 1, failed 1, dropped 2)',
  );
});

/** The value of one sample line of the Prometheus text. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

test('metrics: the enforcement counters and gauges, set anew at each scrape', async () => {
  const s = mergeSnapshots([], 1);
  const c: EnforceCounts = s.enforcement;
  c.lockedClients = 2;
  c.blockedPeers = 7;
  c.locks = { started: 3, renewed: 9, unlocked: 1 };
  c.blocks.match = 4;
  c.blocks.dns = 2;
  c.blocks.unblocked = 1;
  c.cuts.tcpReset = 5;
  c.cuts.udpBlocked = 6;
  c.cuts.sendErrors = 1;
  c.exec.cut = { started: 5, ok: 4, failed: 1, dropped: 3 };
  c.dns = { answers: 20, matched: 2, trained: 3, ignored: 1 };
  const m = new RopeMetrics();
  m.update({ snapshot: s, detail: mergeDetails([]) });
  let text = await m.text();
  const want: [string, number][] = [
    ['rope_locks_total', 3],
    ['rope_lock_renewals_total', 9],
    ['rope_unlocks_total', 1],
    ['rope_blocks_total{source="match"}', 4],
    ['rope_blocks_total{source="dns"}', 2],
    ['rope_blocks_total{source="share"}', 0],
    ['rope_unblocks_total', 1],
    ['rope_cuts_total{proto="tcp",result="reset"}', 5],
    ['rope_cuts_total{proto="udp",result="blocked"}', 6],
    ['rope_cuts_total{proto="tcp",result="failed"}', 0],
    ['rope_cut_send_errors_total', 1],
    ['rope_exec_runs_total{kind="cut",result="ok"}', 4],
    ['rope_exec_runs_total{kind="cut",result="failed"}', 1],
    ['rope_exec_runs_total{kind="cut",result="dropped"}', 3],
    ['rope_exec_runs_total{kind="lock",result="ok"}', 0],
    ['rope_dns_answers_total{result="read"}', 20],
    ['rope_dns_answers_total{result="matched"}', 2],
    ['rope_dns_answers_total{result="ignored"}', 1],
    ['rope_dns_trained_total', 3],
    ['rope_locked_clients', 2],
    ['rope_blocked_peers', 7],
  ];
  for (const [series, value] of want) assert.equal(sample(text, series), value, series);
  c.locks.started = 4;
  c.lockedClients = 0;
  m.update({ snapshot: s, detail: mergeDetails([]) });
  text = await m.text();
  assert.equal(sample(text, 'rope_locks_total'), 4, 'not added twice');
  assert.equal(sample(text, 'rope_locked_clients'), 0);
});

test('rope ctl stats: the enforcement counters in the result, checked by the client, one line of text', async () => {
  const { e } = enforcer();
  e.lock('192.0.2.10', 20, 'g');
  const target = new EngineControlTarget({
    enforcer: e,
    snapshot: async () => withEnforcement(mergeSnapshots([threadPart(1, 4)], 3), e, null),
    setPassAll: () => {},
  });
  const r = await target.stats();
  assert.ok(r.ok);
  const stats = JSON.parse(JSON.stringify(r.value));
  assert.ok(isResultOf('stats', stats));
  assert.equal(stats.enforcement?.locks.started, 1);
  assert.equal(stats.enforcement?.cuts.tcpReset, 1);
  assert.equal(isResultOf('stats', { ...stats, enforcement: { locks: 'x' } }), false);
  const { enforcement: _, ...older } = stats;
  assert.ok(isResultOf('stats', older), 'an engine without the counters is understood');
  assert.match(formatStats(stats), /^enforcement: 1 locked, 0 blocked now; locks 1; /m);
});
