// rope run's metrics without a kernel: the per-thread counters (queue-metrics.ts), their merge
// across threads, the Prometheus text (prometheus.ts) and the HTTP endpoint (metrics-server.ts);
// and the JSON line of the counters. test/rope-run scrapes a real rope run in a lab.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startMetricsServer } from './metrics-server.js';
import { RopeMetrics } from './prometheus.js';
import { mergeDetails, QueueMetrics, V_ACCEPT, V_DROP, V_MARK } from './queue-metrics.js';
import { mergeSnapshots, snapshotJson, type LiveSnapshot } from './stats.js';

function snapshot(queues: number[], groups: [string, number, number][]): LiveSnapshot {
  const s = mergeSnapshots([], 12.5);
  s.totals.activeFlows = 3;
  s.groups = groups.map(([script, runs, errors]) => ({
    script,
    action: 'drop',
    runs,
    matches: 0,
    gaveUp: runs - 1,
    errors,
    packets: 0,
    bytes: 0,
    drops: 0,
  }));
  s.queues = queues.map((queue) => ({
    queue,
    packets: 0,
    verdicts: 0,
    batchMessages: 0,
    singleMessages: 0,
    datagrams: 0,
    overruns: queue,
    handlerErrors: 0,
    verdictErrors: 0,
    queueDropped: 10 + queue,
    userDropped: 20 + queue,
    waiting: 1,
  }));
  return s;
}

/** The value of one sample line of the text, by its name and labels as printed. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

test('queue metrics: packets by queue, label and verdict; flows; groups sharing a script share a label', () => {
  const m = new QueueMetrics([4, 5], ['bittorrent', 'http-large', 'bittorrent']);
  m.packet(0, -1, V_ACCEPT, true);
  m.packet(0, 0, V_DROP, true);
  m.packet(0, 2, V_DROP, false);
  m.packet(1, 1, V_MARK, false);
  m.labelledFlow(0, 'bittorrent');
  m.labelledFlow(1, 'http-large');
  m.labelledFlow(1, 'unknown');
  m.latency(3e-6);
  m.latency(2e-3);
  m.latency(5);
  const d = m.detail();
  assert.deepEqual(d.labels, ['bittorrent', 'http-large']);
  // [none, bittorrent, http-large] × [accept, drop, mark]
  assert.deepEqual(d.queues[0], {
    queue: 4,
    packets: [1, 0, 0, 0, 2, 0, 0, 0, 0],
    flows: 2,
    labelled: [1, 0],
  });
  assert.deepEqual(d.queues[1].packets, [0, 0, 0, 0, 0, 0, 0, 0, 1]);
  assert.deepEqual(d.queues[1].labelled, [0, 1]);
  assert.equal(d.latency.count, 3);
  assert.equal(
    d.latency.counts.reduce((a, b) => a + b, 0),
    3,
  );
  assert.equal(d.latency.counts[d.latency.counts.length - 1], 1, 'past the last bound');
  // two threads, one queue each, merge into one view ordered by queue
  const other = new QueueMetrics([1], ['bittorrent', 'http-large', 'bittorrent']);
  other.latency(1e-6);
  const merged = mergeDetails([d, other.detail()]);
  assert.deepEqual(
    merged.queues.map((q) => q.queue),
    [1, 4, 5],
  );
  assert.equal(merged.latency.count, 4);
});

test('prometheus text: every series from the counters, zero ones included; a cumulative histogram', async () => {
  const m = new QueueMetrics([0, 1], ['bittorrent', 'gnutella']);
  m.packet(0, 0, V_DROP, true);
  m.packet(0, 0, V_DROP, false);
  m.packet(1, -1, V_ACCEPT, true);
  m.labelledFlow(0, 'bittorrent');
  m.latency(4e-6);
  m.latency(4e-5);
  const metrics = new RopeMetrics();
  metrics.update({
    snapshot: snapshot(
      [0, 1],
      [
        ['bittorrent', 7, 1],
        ['gnutella', 5, 0],
      ],
    ),
    detail: m.detail(),
  });
  const text = await metrics.text();
  const expect: [string, number][] = [
    ['rope_packets_total{queue="0",label="bittorrent",verdict="drop"}', 2],
    ['rope_packets_total{queue="0",label="none",verdict="accept"}', 0],
    ['rope_packets_total{queue="1",label="none",verdict="accept"}', 1],
    ['rope_packets_total{queue="1",label="gnutella",verdict="mark"}', 0],
    ['rope_flows_total{queue="0"}', 1],
    ['rope_flows_total{queue="1"}', 1],
    ['rope_flows_labelled_total{queue="0",label="bittorrent"}', 1],
    ['rope_flows_labelled_total{queue="1",label="gnutella"}', 0],
    ['rope_flows_active', 3],
    ['rope_script_runs_total{script="bittorrent"}', 7],
    ['rope_script_gave_up_flows_total{script="gnutella"}', 4],
    ['rope_script_errors_total{script="bittorrent"}', 1],
    ['rope_script_errors_total{script="gnutella"}', 0],
    ['rope_queue_dropped_total{queue="1",reason="queue_full"}', 11],
    ['rope_queue_dropped_total{queue="1",reason="socket_full"}', 21],
    ['rope_queue_overruns_total{queue="1"}', 1],
    ['rope_queue_errors_total{queue="0",kind="handler"}', 0],
    ['rope_queue_waiting{queue="0"}', 1],
    ['rope_verdict_latency_seconds_bucket{le="0.000001"}', 0],
    ['rope_verdict_latency_seconds_bucket{le="0.000005"}', 1],
    ['rope_verdict_latency_seconds_bucket{le="0.00005"}', 2],
    ['rope_verdict_latency_seconds_bucket{le="+Inf"}', 2],
    ['rope_verdict_latency_seconds_count', 2],
  ];
  for (const [series, value] of expect) assert.equal(sample(text, series), value, series);
  assert.ok(Math.abs(sample(text, 'rope_verdict_latency_seconds_sum')! - 4.4e-5) < 1e-12);
  assert.match(text, /^# TYPE rope_packets_total counter$/m);
  assert.match(text, /^# TYPE rope_verdict_latency_seconds histogram$/m);
  assert.match(text, /^# TYPE rope_flows_active gauge$/m);
  assert.match(text, /^process_cpu_seconds_total /m, 'the process metrics');
  // a second scrape replaces the values rather than adding to them
  metrics.update({ snapshot: snapshot([0], []), detail: new QueueMetrics([0], []).detail() });
  const again = await metrics.text();
  assert.equal(sample(again, 'rope_flows_total{queue="0"}'), 0);
  assert.equal(sample(again, 'rope_flows_total{queue="1"}'), undefined);
});

test('metrics server: GET /metrics reads the counters at that moment; other paths 404', async () => {
  let scrapes = 0;
  const server = await startMetricsServer({ host: '127.0.0.1', port: 0 }, async () => {
    scrapes++;
    const m = new QueueMetrics([0], ['s']);
    for (let i = 0; i < scrapes; i++) m.packet(0, 0, V_DROP, false);
    return { snapshot: snapshot([0], [['s', 1, 0]]), detail: m.detail() };
  });
  try {
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    for (const n of [1, 2]) {
      const r = await fetch(server.url);
      assert.equal(r.status, 200);
      assert.match(r.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
      assert.equal(
        sample(await r.text(), 'rope_packets_total{queue="0",label="s",verdict="drop"}'),
        n,
      );
    }
    const other = await fetch(server.url.replace('/metrics', '/'));
    assert.equal(other.status, 404);
    await other.text();
  } finally {
    await server.close();
  }
  // the port is taken: a message naming it
  const first = await startMetricsServer({ host: '127.0.0.1', port: 0 }, async () => {
    throw new Error('unused');
  });
  try {
    await assert.rejects(
      startMetricsServer({ host: '127.0.0.1', port: first.port }, async () => {
        throw new Error('unused');
      }),
      new RegExp(
        `^MetricsServerError: --metrics: cannot listen on 127\\.0\\.0\\.1:${first.port}: the port is in use$`,
      ),
    );
  } finally {
    await first.close();
  }
});

test('--stats-json line: event, schema 1, an ISO time, then the counters', () => {
  const s = snapshot([0], [['s', 1, 0]]);
  const line = snapshotJson(s, new Date('2026-11-21T16:30:27.079Z'));
  assert.ok(line.endsWith('\n') && !line.slice(0, -1).includes('\n'), 'one line');
  const o = JSON.parse(line);
  assert.deepEqual(Object.keys(o), [
    'event',
    'schema',
    'time',
    'uptime',
    'totals',
    'groups',
    'queues',
    'enforcement',
  ]);
  assert.deepEqual(
    [o.event, o.schema, o.time, o.uptime],
    ['stats', 1, '2026-11-21T16:30:27.079Z', 12.5],
  );
});

test('metrics: --share adds its counters, and only with --share', async () => {
  const base = { snapshot: snapshot([0], []), detail: mergeDetails([]) };
  const plain = new RopeMetrics();
  plain.update(base);
  assert.doesNotMatch(await plain.text(), /rope_share_/);
  const m = new RopeMetrics();
  const counters = {
    published: 5,
    unpublished: 2,
    applied: 3,
    echoes: 5,
    malformed: 0,
    resyncs: 2,
    resyncRead: 4,
    resyncPushed: 1,
    losses: 1,
  };
  m.update({ ...base, share: { counters, connected: true } });
  let text = await m.text();
  assert.equal(sample(text, 'rope_share_changes_total{direction="out"}'), 5);
  assert.equal(sample(text, 'rope_share_changes_total{direction="in"}'), 7);
  assert.equal(sample(text, 'rope_share_changes_total{direction="unsent"}'), 2);
  assert.equal(sample(text, 'rope_share_losses_total'), 1);
  assert.equal(sample(text, 'rope_share_connected'), 1);
  m.update({ ...base, share: { counters: { ...counters, losses: 2 }, connected: false } });
  text = await m.text();
  assert.equal(sample(text, 'rope_share_losses_total'), 2);
  assert.equal(sample(text, 'rope_share_connected'), 0);
});
