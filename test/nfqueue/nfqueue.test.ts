// NFQUEUE against the real kernel, as root, in a lab the test builds: the router queues what it
// forwards (mangle FORWARD, --queue-bypass) to queue 0 and a probe (nfq-probe.ts, the core's
// NfQueue) gives verdicts. Traffic is real: ping, curl against the lab's HTTP server.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseNfqProcStats, type NfqProcStats } from '@p2pwall/core/netlink';
import { createLab, type Lab } from '../../tools/lab/topology.js';
import type { HttpService } from '../../tools/lab/traffic/http.js';
import { privilegedSkip } from '../support/environment.js';
import { runProbe, startProbe, type Report } from './probe-harness.js';

const skip = privilegedSkip(['ip', 'iptables', 'ping', 'curl', 'conntrack', 'setpriv']);
let lab: Lab;
let http: HttpService;

before(async () => {
  if (skip) return;
  lab = await createLab({});
  const r = lab.router;
  for (const ipt of [r.iptables.bind(r), r.ip6tables.bind(r)]) {
    await ipt([
      '-t',
      'mangle',
      '-A',
      'FORWARD',
      '-j',
      'NFQUEUE',
      '--queue-num',
      '0',
      '--queue-bypass',
    ]);
  }
  http = await lab.http({
    files: [
      { name: 'small.bin', size: 64 * 1024 },
      { name: 'bulk.bin', size: 4 << 20 },
    ],
  });
});

after(async () => {
  if (lab) await lab.destroy();
});

/** ping from the client; how many replies came back. */
async function pings(
  count: number,
  address = lab.server.ipv4,
  extra: string[] = [],
): Promise<number> {
  const r = await lab.client.exec(
    ['ping', '-n', '-q', '-c', String(count), '-i', '0.2', '-W', '1', ...extra, address],
    { allowFail: true },
  );
  const m = /(\d+) received/.exec(r.stdout);
  return m ? Number(m[1]) : 0;
}

test('nfqueue (root): bind, receive and accept real forwarded traffic', { skip }, async () => {
  const probe = await startProbe(lab.router, { queue: 0, action: 'accept' });
  try {
    assert.equal(await pings(2), 2);
    assert.ok((await pings(3, lab.server.ipv6)) >= 2);
    const f = await http.fetch('small.bin');
    assert.ok(f.ok, f.error);
    const proc = parseNfqProcStats(
      (await lab.router.exec(['cat', '/proc/net/netfilter/nfnetlink_queue'])).stdout,
    );
    assert.deepEqual(
      proc.map((s) => [s.queue, s.portId, s.copyMode, s.copyRange]),
      [[0, probe.ready.portId, 2, 65531]],
    );
  } finally {
    await probe.stop();
  }
  const echo = probe.packets.filter((p) => p.protocol === 1);
  assert.equal(echo.length, 4, 'two requests and two replies');
  for (const p of probe.packets) {
    assert.equal(p.hook, 2, 'FORWARD');
    assert.ok(Number(p.indev) > 0 && Number(p.outdev) > 0);
    // NFQA_TIMESTAMP only when something enabled receive timestamps (ping does, curl does not)
    assert.ok(
      p.timestamp === 0 || Math.abs(Number(p.timestamp) - Date.now() / 1000) < 60,
      `timestamp ${p.timestamp}`,
    );
    assert.equal(p.payloadLength, p.ipLength);
  }
  assert.deepEqual(
    [echo[0].src, echo[0].dst, echo[1].src],
    [lab.client.ipv4, lab.server.ipv4, lab.server.ipv4],
  );
  assert.ok(probe.packets.some((p) => p.protocol === 58 && p.src === lab.client.ipv6));
  assert.ok(probe.packets.some((p) => p.protocol === 6 && p.dport === http.port));
  const ids = probe.packets.map((p) => Number(p.id));
  assert.deepEqual(
    ids,
    ids.map((_, i) => ids[0] + i),
    'ids count up by one',
  );
});

test(
  'nfqueue (root): a drop verdict loses the packets, a queue without reader passes them (bypass)',
  { skip },
  async () => {
    const probe = await startProbe(lab.router, { queue: 0, action: 'drop' });
    let lost: number;
    try {
      lost = await pings(3);
    } finally {
      await probe.stop();
    }
    assert.equal(lost, 0);
    assert.equal(
      probe.packets.filter((p) => p.protocol === 1).length,
      3,
      'three requests seen, no replies',
    );
    // nobody bound: --queue-bypass lets traffic through
    assert.equal(await pings(2), 2);
  },
);

test('nfqueue (root): mark verdicts reach later rules and the connmark', { skip }, async () => {
  const r = lab.router;
  await r.iptables(['-t', 'filter', '-A', 'FORWARD', '-m', 'mark', '--mark', '7', '-j', 'ACCEPT']);
  await r.iptables([
    '-t',
    'mangle',
    '-A',
    'POSTROUTING',
    '-m',
    'mark',
    '!',
    '--mark',
    '0',
    '-j',
    'CONNMARK',
    '--save-mark',
  ]);
  await r.flushConntrack();
  const probe = await startProbe(lab.router, { queue: 0, action: 'mark:7' });
  try {
    assert.equal(await pings(2), 2);
  } finally {
    await probe.stop();
  }
  const counted = (await r.iptables(['-t', 'filter', '-L', 'FORWARD', '-v', '-x', '-n'])).stdout;
  const line = counted.split('\n').find((l) => l.includes('mark match 0x7'));
  assert.ok(line, counted);
  assert.equal(
    Number(line.trim().split(/\s+/)[0]),
    4,
    'every queued echo packet carried mark 7 into filter FORWARD',
  );
  const icmp = (await r.conntrackEntries(4)).filter((e) => e.proto === 'icmp');
  assert.ok(icmp.length >= 1);
  for (const e of icmp) assert.equal(e.mark, 7, e.line);
  await r.iptables(['-t', 'filter', '-D', 'FORWARD', '-m', 'mark', '--mark', '7', '-j', 'ACCEPT']);
  await r.iptables([
    '-t',
    'mangle',
    '-D',
    'POSTROUTING',
    '-m',
    'mark',
    '!',
    '--mark',
    '0',
    '-j',
    'CONNMARK',
    '--save-mark',
  ]);
});

test(
  'nfqueue (root): binding a queue that is taken fails naming the program that holds it',
  { skip },
  async () => {
    const first = await startProbe(lab.router, { queue: 0 });
    try {
      const second = await runProbe(lab.router, { queue: 0 });
      assert.equal(second.code, 1);
      assert.match(
        second.stderr,
        new RegExp(
          `^binding NFQUEUE 0 failed: E(PERM|BUSY) .*queue 0 is already bound by another program \\(pid ${first.ready.pid} \\(node\\)\\)`,
        ),
      );
    } finally {
      await first.stop();
    }
  },
);

test(
  'nfqueue (root): without CAP_NET_ADMIN the bind fails naming the capability',
  { skip },
  async () => {
    const r = await runProbe(lab.router, { queue: 1 }, [
      'setpriv',
      '--bounding-set=-net_admin',
      '--inh-caps=-net_admin',
    ]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /^binding NFQUEUE 1 failed: EPERM .*needs CAP_NET_ADMIN/);
  },
);

test(
  'nfqueue (root): with fail-open a full queue accepts, without it drops',
  { skip },
  async () => {
    const stalled = async (failOpen: boolean): Promise<{ replies: number; stats: Report }> => {
      const probe = await startProbe(lab.router, { queue: 0, maxLen: 1, failOpen, quiet: true });
      let replies: number;
      try {
        // a stopped reader: the first request waits in the queue, which is then full
        probe.child.kill('SIGSTOP');
        replies = await pings(5, lab.server.ipv4, ['-w', '3']);
      } finally {
        probe.child.kill('SIGCONT');
      }
      return { replies, stats: await probe.stop() };
    };
    const open = await stalled(true);
    assert.ok(open.replies >= 3, `fail-open: ${open.replies} of 5 replies`);
    const closed = await stalled(false);
    assert.equal(closed.replies, 0);
    const proc = closed.stats.proc as { queueDropped: number } | null;
    assert.ok(proc && proc.queueDropped >= 3, JSON.stringify(proc));
  },
);

test(
  'nfqueue (root): with the GSO flag super-packets arrive whole, without it none exceeds the MTU',
  { skip },
  async () => {
    for (const gso of [true, false]) {
      const probe = await startProbe(lab.router, { queue: 0, gso });
      let ok: boolean;
      try {
        ok = (await http.fetch('bulk.bin')).ok;
      } finally {
        await probe.stop();
      }
      assert.ok(ok);
      const big = probe.packets.filter((p) => Number(p.payloadLength) > 1500);
      if (gso) {
        assert.ok(big.length > 0, 'some GSO super-packets');
        for (const p of big) assert.ok((Number(p.skbInfo) & 2) !== 0, 'flagged NFQA_SKB_GSO');
      } else assert.equal(big.length, 0);
    }
  },
);

test(
  'nfqueue (root): a burst is answered with batch verdicts and loses nothing',
  { skip },
  async () => {
    const probe = await startProbe(lab.router, { queue: 0, quiet: true });
    let r;
    try {
      r = await lab.client.exec(
        ['ping', '-n', '-q', '-f', '-c', '3000', '-W', '1', lab.server.ipv4],
        { allowFail: true },
      );
      assert.ok((await http.fetch('bulk.bin')).ok);
    } finally {
      await probe.stop();
    }
    const stats = await probe.stop();
    // the queue lost nothing: a verdict (accept) for every packet it was given, and the kernel's
    // counters for a full queue and for a full socket both at 0
    assert.equal(stats.verdicts, stats.packets);
    assert.ok(Number(stats.packets) >= 6000);
    const proc = stats.proc as NfqProcStats | null;
    assert.ok(proc, JSON.stringify(stats));
    assert.deepEqual([proc.queueDropped, proc.userDropped], [0, 0], JSON.stringify(proc));
    assert.ok(Number(stats.batchMessages) > 0, JSON.stringify(stats));
    assert.equal(stats.verdictErrors, 0);
    assert.equal(stats.extraSendBuffers, 0);
    // and the pings came back. One reply in 3000 went missing once in CI (an 18 ms stall, both
    // vCPUs busy with other lab tests), before this test read the queue's counters: the lab's own
    // path past the queue may lose one under load, and the counters above say whether the queue
    // did; more than a few missing would be a fault of ours
    const m = /(\d+) packets transmitted, (\d+) received/.exec(r.stdout);
    assert.ok(m, r.stdout);
    assert.equal(Number(m[1]), 3000);
    assert.ok(Number(m[2]) >= 2997, r.stdout);
  },
);

test(
  'nfqueue (root): conntrack info arrives when the kernel has the glue, else the queue says why',
  { skip },
  async () => {
    await lab.router.flushConntrack();
    const probe = await startProbe(lab.router, {
      queue: 0,
      conntrack: 'auto',
      action: 'connmark:9',
    });
    try {
      assert.equal(await pings(2), 2);
    } finally {
      await probe.stop();
    }
    const echo = probe.packets.filter((p) => p.protocol === 1);
    if (probe.ready.conntrack) {
      assert.deepEqual(
        echo.map((p) => [p.hasCt, p.ctInfo, p.ctProto]),
        [
          [true, 2, 1],
          [true, 3, 1],
          [true, 0, 1],
          [true, 3, 1],
        ],
      );
      for (const e of (await lab.router.conntrackEntries(4)).filter((x) => x.proto === 'icmp'))
        assert.equal(e.mark, 9);
    } else {
      assert.match(String(probe.ready.conntrackUnavailable), /CONFIG_NETFILTER_NETLINK_GLUE_CT/);
      for (const p of echo) assert.deepEqual([p.hasCt, p.ctInfo], [false, -1]);
    }
  },
);
