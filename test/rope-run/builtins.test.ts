// rope run with the shipped scripts on real protocol traffic, as root, in a lab: a real BitTorrent
// swarm (opentracker, transmission, aria2c), the corpus Gnutella session replayed over real
// sockets, HTTP downloads with curl. The router carries `rope rules --iptables` and runs rope run.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createLab, type Lab } from '../../tools/lab/topology.js';
import type { HttpService } from '../../tools/lab/traffic/http.js';
import { corpusSkip, privilegedSkip } from '../support/environment.js';
import { loadRules, RopeRun } from './harness.js';

const skip = privilegedSkip([
  'ip',
  'iptables',
  'curl',
  'conntrack',
  'aria2c',
  'transmission-cli',
  'opentracker',
  'mktorrent',
]);
let lab: Lab;
let http: HttpService;

before(async () => {
  if (skip) return;
  lab = await createLab({ clients: 2, conntrackAccounting: true });
  await loadRules(lab.router, ['--mark', '7']);
  http = await lab.http({
    files: [
      { name: 'small.bin', size: 64 * 1024 },
      { name: 'large.bin', size: 8 << 20 },
    ],
  });
});

after(async () => {
  if (lab) await lab.destroy();
});

test(
  'rope run (root, builtin bittorrent): the swarm download fails while HTTP through the same router completes',
  { skip },
  async () => {
    const run = await RopeRun.queue0(lab.router, 'bittorrent', '--on-match', 'drop', '--log');
    let results;
    let httpOk: boolean;
    let stats;
    const swarm = await lab.bittorrent({ size: 2 << 20 });
    try {
      const [downloads, large] = await Promise.all([
        swarm.download({ timeoutMs: 25_000 }),
        http.fetch('large.bin'),
      ]);
      results = downloads;
      httpOk = large.ok;
      stats = await run.stats();
    } finally {
      await swarm.stop();
      await run.stop();
    }
    assert.ok(httpOk, 'HTTP passes');
    assert.equal(results.length, 2);
    for (const r of results)
      assert.equal(
        r.complete,
        false,
        `${r.client} on ${r.host.name} got the file through rope run`,
      );
    const g = stats.groups[0];
    assert.equal(g.script, 'bittorrent');
    assert.ok(g.matches >= 1 && g.drops >= 1, JSON.stringify(g));
    assert.ok(run.matches().every((m) => m.script === 'bittorrent' && m.action === 'drop'));
    // no HTTP flow to the file server was taken for BitTorrent
    assert.ok(
      !run.matches().some((m) => String(m.to).endsWith(`:${http.port}`)),
      JSON.stringify(run.matches()),
    );

    // the same swarm without rope run: the download works, so it was rope that stopped it
    const control = await lab.bittorrent({ size: 2 << 20 });
    try {
      const again = await control.download({ timeoutMs: 45_000 });
      assert.ok(
        again.every((r) => r.complete && r.checksumOk),
        JSON.stringify(
          again.map((r) => ({ client: r.client, complete: r.complete, error: r.error })),
        ),
      );
    } finally {
      await control.stop();
    }
  },
);

test(
  'rope run (root, builtin gnutella): replayed Gnutella connections are cut off, other traffic is not',
  { skip: skip || corpusSkip() },
  async () => {
    const run = await RopeRun.queue0(lab.router, 'gnutella', '--on-match', 'drop', '--log');
    let result;
    let replay;
    let httpOk: boolean;
    try {
      // The first 40 flows of the session: TCP handshakes, UDP pings and query hits, and the two
      // NAT-PMP requests truth.tsv marks as not Gnutella. A cut flow stalls until its timeout.
      replay = await lab.gnutella({ maxFlows: 40, flowTimeoutMs: 2000, concurrency: 40 });
      const [done, small] = await Promise.all([replay.done, http.fetch('small.bin')]);
      result = done;
      httpOk = small.ok;
    } finally {
      await replay?.stop();
      await run.stop();
    }
    assert.ok(httpOk, 'HTTP passes');
    const replayed = result.flows.filter((f) => !f.skipped);
    const gnutella = replayed.filter((f) => replay.label(f.index) === 'yes');
    const other = replayed.filter((f) => replay.label(f.index) === 'no');
    assert.ok(
      gnutella.length > 0 && other.length > 0,
      `yes ${gnutella.length}, no ${other.length}`,
    );
    for (const f of gnutella)
      assert.equal(
        f.intact,
        false,
        `Gnutella flow ${f.index} (${f.proto} port ${f.responderPort}) got through`,
      );
    for (const f of other)
      assert.equal(
        f.intact,
        true,
        `flow ${f.index} (${f.proto} port ${f.responderPort}), not Gnutella, was harmed: ${f.error}`,
      );
    assert.ok(run.matches().length > 0);
    assert.ok(run.matches().every((m) => m.script === 'gnutella' && m.action === 'drop'));
  },
);

test(
  'rope run (root, builtin http-large): with a 1 MB limit the 8 MiB download is blocked, the 64 KiB one passes',
  { skip },
  async () => {
    const run = await RopeRun.queue0(
      lab.router,
      'http-large',
      '--push-int',
      '1000000',
      '--on-match',
      'drop',
      '--log',
    );
    let large;
    let small;
    try {
      large = await http.fetch('large.bin', { timeoutMs: 8000 });
      small = await http.fetch('small.bin');
    } finally {
      await run.stop();
    }
    assert.ok(small.ok, small.error);
    assert.equal(large.ok, false);
    assert.ok(large.bytes < 1 << 20, `${large.bytes} bytes of the large file arrived`);
    const m = run.matches();
    assert.equal(m.length, 1);
    assert.deepEqual([m[0].script, m[0].action], ['http-large', 'drop']);
    assert.deepEqual([m[0].from, m[0].to], [String(m[0].from), `${lab.server.ipv4}:${http.port}`]);
    assert.match(String(m[0].from), new RegExp(`^${lab.client.ipv4.replace(/\./g, '\\.')}:`));
  },
);

test(
  'rope run (root, builtin http-large): mark:7 shows on the conntrack entries of exactly the matching flows',
  { skip },
  async () => {
    await lab.router.flushConntrack();
    const run = await RopeRun.queue0(
      lab.router,
      'http-large',
      '--push-int',
      '1000000',
      '--on-match',
      'mark:7',
    );
    let large;
    let small;
    try {
      large = await http.fetch('large.bin');
      small = await http.fetch('small.bin');
    } finally {
      await run.stop();
    }
    assert.ok(large.ok && small.ok, 'marked flows pass');
    const tcp = (await lab.router.conntrackEntries(4)).filter(
      (e) => e.proto === 'tcp' && e.original.dport === http.port,
    );
    assert.equal(tcp.length, 2, tcp.map((e) => e.line).join('\n'));
    // accounting tells the connections apart: the large download's replies carry its 8 MiB
    const byBytes = tcp.map((e) => [(e.reply.bytes ?? 0) > 8 << 20, e.mark]).sort();
    assert.deepEqual(byBytes, [
      [false, 0],
      [true, 7],
    ]);
  },
);
