// rope run as it is deployed, end to end, as root, in a lab: one configuration file drives
// `rope rules --install`, `rope run --config` and `rope rules --remove` in the router (what the
// systemd unit runs), and `--metrics` is scraped while real UDP flows cross the router; the
// counters must move exactly as the traffic says. With --queue-balance the worker threads' counters
// merge into the one endpoint.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createLab, type Lab } from '../../tools/lab/topology.js';
import type { LabHost } from '../../tools/lab/host.js';
import { privilegedSkip } from '../support/environment.js';
import { RopeRun, SCRIPTS, scrapeMetrics, udpFlow, udpSink, type Sink } from './harness.js';

const skip = privilegedSkip(['ip', 'iptables', 'iptables-save', 'curl', 'python3']);
let lab: Lab;
let sink: Sink;
let tmp: string;
const PORT = 9999;
const METRICS = 9469;
const MAGIC = join(SCRIPTS, 'udp-magic.rope');
let sport = 43000;

before(async () => {
  if (skip) return;
  tmp = mkdtempSync(join(tmpdir(), 'rope-deploy-'));
  lab = await createLab({ clients: 2 });
  sink = await udpSink(lab, lab.server, PORT);
});

after(async () => {
  sink?.stop();
  if (lab) await lab.destroy();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

function config(name: string, o: Record<string, unknown>): string {
  const path = join(tmp, name);
  writeFileSync(path, JSON.stringify(o, null, 2));
  return path;
}

/** One UDP flow of `payloads` (a fresh source port); what the sink got of it. */
async function flow(payloads: string[], from: LabHost = lab.client): Promise<string[]> {
  const tag = `#${++sport}`;
  await udpFlow(
    from,
    lab.server.ipv4,
    PORT,
    sport,
    payloads.map((p) => `${p} ${tag}`),
  );
  await sleep(200);
  return sink
    .received()
    .filter((p) => p.endsWith(` ${tag}`))
    .map((p) => p.slice(0, -tag.length - 1));
}

/** The samples of the rope run in the router. */
const scrape = () => scrapeMetrics(lab.router, METRICS);

/** Sum of the samples of `metric` whose labels include every one of `labels`. */
function sum(samples: Map<string, number>, metric: string, labels: Record<string, string> = {}) {
  let total = 0;
  for (const [series, value] of samples) {
    if (series !== metric && !series.startsWith(`${metric}{`)) continue;
    if (Object.entries(labels).every(([k, v]) => series.includes(`${k}="${v}"`))) total += value;
  }
  return total;
}

async function ropeChains(): Promise<string[]> {
  const saved = (await lab.router.exec(['iptables-save'])).stdout;
  return saved.split('\n').filter((l) => /rope-|p2pwall-rope-rules/.test(l));
}

test(
  'deploy (root): rules --install from the file, rope run --config with --metrics; the counters follow the traffic; rules --remove',
  { skip },
  async () => {
    const r = lab.router;
    const file = config('rope-run.json', {
      queue: 0,
      groups: [{ script: MAGIC, 'on-match': 'drop' }],
      log: true,
      metrics: `127.0.0.1:${METRICS}`,
      rules: { format: 'iptables', family: 'ipv4', name: 'rope' },
    });
    const check = await r.rope(['run', '--config', file, '--check'], { source: true });
    assert.equal(check.stdout, 'ok\n');
    const install = await r.rope(['rules', '--config', file, '--install'], { source: true });
    assert.equal(install.stdout, 'rope rules: installed iptables chains rope-*\n');
    // again: replaced, not doubled
    const again = await r.rope(['rules', '--config', file, '--install'], { source: true });
    assert.equal(again.stdout, 'rope rules: replaced iptables chains rope-*\n');
    const chains = await ropeChains();
    assert.equal(
      chains.filter(
        (l) => l === '-A FORWARD -m comment --comment "p2pwall-rope-rules:rope" -j rope-queue',
      ).length,
      1,
    );

    const run = await RopeRun.start(r, ['--config', file]);
    try {
      assert.match(
        run.stderr(),
        new RegExp(`metrics at http://127\\.0\\.0\\.1:${METRICS}/metrics`),
      );
      const before = await scrape();
      assert.equal(sum(before, 'rope_packets_total'), 0);
      const cut = await flow(['hello', 'ROPE-MATCH here', 'after', 'and more']);
      const plain = await flow(Array.from({ length: 40 }, (_, i) => `plain ${i}`));
      assert.deepEqual(cut, ['hello']);
      assert.equal(plain.length, 40);
      const m = await scrape();
      const q = { queue: '0' };
      assert.equal(sum(m, 'rope_packets_total', { ...q, label: 'udp-magic', verdict: 'drop' }), 3);
      assert.equal(
        sum(m, 'rope_packets_total', { ...q, label: 'udp-magic', verdict: 'accept' }),
        0,
      );
      assert.equal(sum(m, 'rope_packets_total', { ...q, label: 'none', verdict: 'accept' }), 41);
      assert.equal(sum(m, 'rope_packets_total'), 44);
      assert.equal(sum(m, 'rope_flows_total', q), 2);
      assert.equal(sum(m, 'rope_flows_labelled_total', { ...q, label: 'udp-magic' }), 1);
      assert.equal(sum(m, 'rope_script_runs_total', { script: 'udp-magic' }), 2 + 10);
      assert.equal(sum(m, 'rope_script_errors_total', { script: 'udp-magic' }), 0);
      assert.equal(sum(m, 'rope_queue_dropped_total', q), 0);
      // one packet in 16 is timed
      assert.ok(
        m.get('rope_verdict_latency_seconds_count')! >= 2,
        String(m.get('rope_verdict_latency_seconds_count')),
      );
      assert.equal(
        m.get('rope_verdict_latency_seconds_bucket{le="+Inf"}'),
        m.get('rope_verdict_latency_seconds_count'),
      );
      // the same counts as --stats-json reports, and the JSON lines carry their envelope
      const s = await run.stats();
      assert.equal(s.totals.packets, 44);
      assert.equal((s as unknown as { schema: number }).schema, 1);
      const match = run.matches()[0];
      assert.equal(match.schema, 1);
      assert.match(String(match.time), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    } finally {
      await run.stop();
    }
    const removed = await r.rope(['rules', '--config', file, '--remove'], { source: true });
    assert.equal(removed.stdout, 'rope rules: removed iptables chains rope-*\n');
    assert.deepEqual(await ropeChains(), []);
    const none = await r.rope(['rules', '--config', file, '--remove'], { source: true });
    assert.match(none.stdout, /^rope rules: nothing to remove/);
    // with the rules gone, nothing is queued: the match passes
    assert.deepEqual(await flow(['ROPE-MATCH unchecked']), ['ROPE-MATCH unchecked']);
  },
);

test(
  'deploy (root): --queue-balance workers merge their counters into the one /metrics',
  { skip },
  async () => {
    const r = lab.router;
    const file = config('balance.json', {
      'queue-balance': '0:1',
      groups: [{ script: MAGIC, 'on-match': 'drop' }],
      metrics: `127.0.0.1:${METRICS}`,
      rules: { format: 'iptables', family: 'ipv4', name: 'bal' },
    });
    await r.rope(['rules', '--config', file, '--install'], { source: true });
    const run = await RopeRun.start(r, ['--config', file]);
    try {
      // two host pairs: the kernel's hash may put them on either queue
      assert.deepEqual(await flow(['hello', 'ROPE-MATCH here', 'after']), ['hello']);
      assert.deepEqual(await flow(['hello', 'ROPE-MATCH here', 'after'], lab.clients[1]), [
        'hello',
      ]);
      const m = await scrape();
      for (const queue of ['0', '1'])
        assert.ok(m.has(`rope_flows_total{queue="${queue}"}`), `queue ${queue} reported`);
      assert.equal(sum(m, 'rope_packets_total', { label: 'udp-magic', verdict: 'drop' }), 4);
      assert.equal(sum(m, 'rope_packets_total', { label: 'none', verdict: 'accept' }), 2);
      assert.equal(sum(m, 'rope_flows_total'), 2);
      assert.equal(sum(m, 'rope_flows_labelled_total', { label: 'udp-magic' }), 2);
      const s = await run.stats();
      assert.equal(sum(m, 'rope_packets_total'), s.totals.packets);
    } finally {
      await run.stop();
      await r.rope(['rules', '--config', file, '--remove'], { source: true });
    }
    assert.deepEqual(await ropeChains(), []);
  },
);
