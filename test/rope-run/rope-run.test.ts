// rope run end to end, as root, in a lab: the router carries the rules `rope rules --iptables`
// prints and runs `rope run`; clients and servers exchange real UDP flows, HTTP and pings. The
// scripts here (test/rope-run/scripts) match marker payloads, so every expectation is exact;
// builtins.test.ts runs the shipped scripts on real protocol traffic.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseNfqProcStats } from '@p2pwall/core/netlink';
import { toolArgv } from '../../tools/lab/host.js';
import { createLab, type Lab } from '../../tools/lab/topology.js';
import type { HttpService } from '../../tools/lab/traffic/http.js';
import { privilegedSkip } from '../support/environment.js';
import { startProbe } from '../nfqueue/probe-harness.js';
import { loadRules, RopeRun, SCRIPTS, udpFlow, udpSink, type Sink } from './harness.js';

const skip = privilegedSkip(['ip', 'iptables', 'nft', 'ping', 'curl', 'conntrack', 'setpriv']);
let lab: Lab;
let http: HttpService;
let sink: Sink;
const PORT = 9999;
const MAGIC = `${SCRIPTS}/udp-magic.rope`;
const TROUBLE = `${SCRIPTS}/hotdrop-marker.rope`;
let sport = 41000;

before(async () => {
  if (skip) return;
  lab = await createLab({ clients: 2 });
  await loadRules(lab.router, ['--mark', '7']);
  http = await lab.http({ files: [{ name: 'small.bin', size: 64 * 1024 }] });
  sink = await udpSink(lab, lab.server, PORT);
});

after(async () => {
  sink?.stop();
  if (lab) await lab.destroy();
});

/** One UDP flow of `payloads` from c1 (a fresh source port); returns what the sink got of it. */
async function flow(payloads: string[], from = lab.client): Promise<string[]> {
  const tag = `#${++sport}`;
  const tagged = payloads.map((p) => `${p} ${tag}`);
  await udpFlow(from, lab.server.ipv4, PORT, sport, tagged);
  await sleep(200);
  return sink
    .received()
    .filter((p) => p.endsWith(` ${tag}`))
    .map((p) => p.slice(0, -tag.length - 1));
}

async function queues(): Promise<number[]> {
  return parseNfqProcStats(
    (await lab.router.exec(['cat', '/proc/net/netfilter/nfnetlink_queue'])).stdout,
  ).map((q) => q.queue);
}

test(
  'rope run (root): a drop group cuts the matching flow from its matching packet on; other traffic passes',
  { skip },
  async () => {
    const run = await RopeRun.queue0(lab.router, MAGIC, '--on-match', 'drop', '--log');
    let cut: string[];
    let other: string[];
    try {
      cut = await flow(['hello', 'ROPE-MATCH here', 'after', 'and more']);
      other = await flow(['plain one', 'plain two']);
      assert.ok((await http.fetch('small.bin')).ok);
      assert.ok(await lab.client.ping(lab.server.ipv4, 2));
      const s = await run.stats();
      assert.deepEqual(
        [
          s.groups[0].script,
          s.groups[0].action,
          s.groups[0].matches,
          s.groups[0].drops,
          s.groups[0].errors,
        ],
        ['udp-magic', 'drop', 1, 3, 0],
      );
      assert.equal(s.queues[0].queue, 0);
      assert.equal(s.queues[0].verdicts, s.queues[0].packets);
    } finally {
      await run.stop();
    }
    assert.deepEqual(cut, ['hello']);
    assert.deepEqual(other, ['plain one', 'plain two']);
    const m = run.matches();
    assert.equal(m.length, 1, 'one log line per newly matched flow');
    assert.equal(m[0].schema, 1);
    assert.match(String(m[0].time), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.deepEqual(
      [m[0].script, m[0].protocol, m[0].from, m[0].to, m[0].packet, m[0].action],
      [
        'udp-magic',
        'udp',
        `${lab.client.ipv4}:${sport - 1}`,
        `${lab.server.ipv4}:${PORT}`,
        2,
        'drop',
      ],
    );
  },
);

test(
  'rope run (root): mark:7 puts mark 7 on the conntrack entries of exactly the matching flows',
  { skip },
  async () => {
    await lab.router.flushConntrack();
    const run = await RopeRun.queue0(lab.router, MAGIC, '--on-match', 'mark:7');
    let got: string[];
    let matchPort: number;
    let stats;
    try {
      got = await flow(['hello', 'ROPE-MATCH here', 'after', 'more']);
      matchPort = sport;
      await flow(['plain']);
      assert.ok((await http.fetch('small.bin')).ok);
      stats = await run.stats();
    } finally {
      await run.stop();
    }
    assert.deepEqual(got, ['hello', 'ROPE-MATCH here', 'after', 'more'], 'marked flows pass');
    const entries = await lab.router.conntrackEntries(4);
    const marked = entries.filter((e) => e.mark !== 0);
    assert.deepEqual(
      marked.map((e) => [e.proto, e.original.sport, e.mark]),
      [['udp', matchPort, 7]],
    );
    assert.ok(
      entries.some((e) => e.proto === 'udp' && e.original.sport === matchPort + 1 && e.mark === 0),
    );
    assert.ok(
      entries.some((e) => e.proto === 'tcp' && e.original.dport === http.port && e.mark === 0),
    );
    // after the matching packet the rules restored mark 7 and let the flow skip the queue
    assert.equal(stats.groups[0].packets, 1);
    assert.equal(stats.totals.marked, 1);
  },
);

test(
  'rope run (root): HOTDROP drops, a failing script falls back to --default, every packet gets a verdict',
  { skip },
  async () => {
    const run = await RopeRun.queue0(lab.router, TROUBLE, '--on-match', 'mark:7');
    let hot: string[];
    let failed: string[];
    let stats;
    try {
      hot = await flow(['ROPE-HOTDROP now']);
      failed = await flow(['ROPE-FAIL now', 'plain']);
      stats = await run.stats();
    } finally {
      await run.stop();
    }
    assert.deepEqual(hot, []);
    assert.deepEqual(failed, ['ROPE-FAIL now', 'plain']);
    assert.equal(stats.totals.hotdrops, 1);
    assert.equal(stats.groups[0].errors, 2);
    assert.equal(stats.groups[0].matches, 0);
    assert.match(
      run.stderr(),
      /hotdrop-marker\.rope:4:\d+: EHotdrop: test hotdrop \(HOTDROP: packet dropped\)/,
    );
    assert.match(
      run.stderr(),
      /hotdrop-marker\.rope:6:\d+: EDivideByZero: .* \(FAIL: counted as no match\)/,
    );
    for (const q of stats.queues) assert.equal(q.verdicts, q.packets);

    const strict = await RopeRun.queue0(lab.router, TROUBLE, '--default', 'drop');
    let dropped: string[];
    try {
      dropped = await flow(['ROPE-FAIL now', 'plain']);
    } finally {
      await strict.stop();
    }
    assert.deepEqual(dropped, []);
  },
);

test(
  'rope run (root): counters every --stats-interval and on SIGUSR1, as JSON lines',
  { skip },
  async () => {
    const run = await RopeRun.queue0(lab.router, MAGIC, '--stats-interval', '0.3');
    try {
      await flow(['one', 'two']);
      const a = await run.next((e) => e.event === 'stats');
      const b = await run.next((e) => e.event === 'stats');
      assert.ok(Number(b.uptime) > Number(a.uptime));
      // the envelope of every JSON line: docs/json.md
      assert.deepEqual(Object.keys(a).slice(0, 4), ['event', 'schema', 'time', 'uptime']);
      assert.equal(a.schema, 1);
      assert.match(String(a.time), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      assert.ok(Date.parse(String(b.time)) >= Date.parse(String(a.time)));
      const s = await run.stats();
      assert.ok(s.totals.packets >= 2);
      assert.ok(s.totals.flows >= 1);
      assert.deepEqual(Object.keys(s.groups[0]).sort(), [
        'action',
        'bytes',
        'drops',
        'errors',
        'gaveUp',
        'matches',
        'packets',
        'runs',
        'script',
      ]);
      assert.deepEqual(Object.keys(s.queues[0]).sort(), [
        'batchMessages',
        'datagrams',
        'handlerErrors',
        'overruns',
        'packets',
        'queue',
        'queueDropped',
        'singleMessages',
        'userDropped',
        'verdictErrors',
        'verdicts',
        'waiting',
      ]);
    } finally {
      await run.stop();
    }
  },
);

test(
  'rope run (root): SIGTERM sends the last verdicts and unbinds; the rule bypass then lets traffic through',
  { skip },
  async () => {
    const run = await RopeRun.queue0(lab.router, MAGIC, '--on-match', 'drop');
    assert.deepEqual(await queues(), [0]);
    const { code, signal, last } = await run.stop('SIGTERM');
    assert.deepEqual([code, signal], [0, null]);
    assert.ok(last, 'final counters printed');
    assert.deepEqual(await queues(), []);
    assert.deepEqual(await flow(['ROPE-MATCH unchecked']), ['ROPE-MATCH unchecked']);
    assert.ok(await lab.client.ping(lab.server.ipv4, 2));
  },
);

test('rope run (root): killed with -9, traffic keeps flowing (bypass)', { skip }, async () => {
  const run = await RopeRun.queue0(lab.router, MAGIC, '--on-match', 'drop');
  assert.deepEqual(await flow(['ROPE-MATCH checked']), []);
  const { signal } = await run.stop('SIGKILL');
  assert.equal(signal, 'SIGKILL');
  assert.deepEqual(await queues(), []);
  assert.deepEqual(await flow(['ROPE-MATCH unchecked']), ['ROPE-MATCH unchecked']);
  assert.ok((await http.fetch('small.bin')).ok);
  assert.ok(await lab.client.ping(lab.server.ipv4, 2));
});

test(
  'rope run (root): an overflowing socket buffer is counted and survived',
  { skip },
  async () => {
    const run = await RopeRun.queue0(lab.router, MAGIC, '--queue-maxlen', '200000');
    let stats;
    try {
      // a stopped reader and a queue longer than the socket buffer holds: the kernel drops what
      // does not fit in the buffer (the queue itself never fills)
      run.child.kill('SIGSTOP');
      const burst = `import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(60000):
    s.sendto(b'x' * 1200, ('${lab.server.ipv4}', ${PORT + 1}))`;
      await lab.client.exec(['python3', '-c', burst]);
      run.child.kill('SIGCONT');
      await sleep(1500);
      assert.deepEqual(await flow(['after the storm']), ['after the storm']);
      stats = await run.stats();
    } finally {
      run.child.kill('SIGCONT');
    }
    const { code } = await run.stop();
    assert.equal(code, 0);
    const q = stats.queues[0];
    assert.ok(q.userDropped > 0, JSON.stringify(q));
    assert.equal(q.queueDropped, 0);
    assert.equal(q.verdicts, q.packets);
    assert.match(run.stderr(), /receive buffer overflowed/);
  },
);

test(
  'rope run (root): --queue-balance serves each queue from its own worker thread',
  { skip },
  async () => {
    const r = lab.router;
    // the same rules, spreading flows over queues 0 and 1
    await r.iptables([
      '-t',
      'mangle',
      '-R',
      'rope-queue',
      '2',
      '-j',
      'NFQUEUE',
      '--queue-balance',
      '0:1',
      '--queue-bypass',
    ]);
    const run = await RopeRun.start(r, [
      '--queue-balance',
      '0:1',
      '--script',
      MAGIC,
      '--on-match',
      'drop',
      '--log',
    ]);
    try {
      assert.deepEqual(await queues(), [0, 1]);
      const ports = parseNfqProcStats(
        (await r.exec(['cat', '/proc/net/netfilter/nfnetlink_queue'])).stdout,
      ).map((q) => q.portId);
      assert.notEqual(ports[0], ports[1], 'two sockets');
      // two host pairs: the kernel's hash may put them on either queue; each is served
      assert.deepEqual(await flow(['hello', 'ROPE-MATCH here', 'after']), ['hello']);
      assert.deepEqual(await flow(['hello', 'ROPE-MATCH here', 'after'], lab.clients[1]), [
        'hello',
      ]);
      const s = await run.stats();
      assert.deepEqual(
        s.queues.map((q) => q.queue),
        [0, 1],
      );
      assert.equal(s.groups[0].matches, 2);
      assert.equal(
        s.queues.reduce((n, q) => n + q.packets, 0),
        s.totals.packets,
      );
      assert.equal(run.matches().length, 2);
    } finally {
      await run.stop();
      await r.iptables([
        '-t',
        'mangle',
        '-R',
        'rope-queue',
        '2',
        '-j',
        'NFQUEUE',
        '--queue-num',
        '0',
        '--queue-bypass',
      ]);
    }
    assert.deepEqual(await queues(), []);
  },
);

test(
  'rope run (root): a queue another program holds, and a missing CAP_NET_ADMIN, are one-line errors',
  { skip },
  async () => {
    const holder = await startProbe(lab.router, { queue: 0 });
    try {
      const r = await lab.router.rope(['run', '--queue', '0', '--script', MAGIC], {
        source: true,
        allowFail: true,
      });
      assert.equal(r.code, 1);
      assert.match(
        r.stderr,
        new RegExp(
          `^rope run: binding NFQUEUE 0 failed: E(PERM|BUSY) .*queue 0 is already bound by another program \\(pid ${holder.ready.pid} \\(node\\)\\)`,
        ),
      );
      assert.equal(r.stderr.trim().split('\n').length, 1);
    } finally {
      await holder.stop();
    }
    const denied = await lab.router.exec(
      [
        'setpriv',
        '--bounding-set=-net_admin',
        '--inh-caps=-net_admin',
        ...toolArgv('rope', true),
        'run',
        '--queue',
        '0',
        '--script',
        MAGIC,
      ],
      { allowFail: true },
    );
    assert.equal(denied.code, 1);
    assert.equal(
      denied.stderr.trim(),
      'rope run: binding NFQUEUE needs CAP_NET_ADMIN, which this process lacks (run as root, or grant the capability)',
    );
  },
);
