// rope run under a flood of new flows, as root, in a lab: udp-load (tools/bench/udp-load.c)
// sends datagrams through the router for a few seconds, each from a new socket (a new source
// port: a new flow), while rope run there runs the three built-in scripts and a marker script
// with its flow table capped at 5,000 flows. Every packet that reached rope gets its verdict, the
// table stays within its cap, a flow sent after the flood is still classified and cut, and rope
// run's resident memory afterwards is within a generous bound. No timing assertions: the flood
// lasts what it lasts, and what the kernel sheds (queue full) is not counted against anyone.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { repoRoot } from '../../tools/lab/host.js';
import { onJsonLines } from '../../tools/lab/processes.js';
import { createLab, type Lab } from '../../tools/lab/topology.js';
import { privilegedSkip } from '../support/environment.js';
import { loadRules, RopeRun, SCRIPTS, udpFlow, udpSink, type Sink } from './harness.js';

const skip = privilegedSkip(['ip', 'iptables', 'gcc']);
const FLOOD_PORT = 9998;
const PORT = 9999;
const MAX_FLOWS = 5000;
/** Resident memory rope run may keep after the flood (it starts near 150 MB through tsx). */
const RSS_BOUND = 450e6;

let lab: Lab;
let load = '';
let sink: Sink;

before(async () => {
  if (skip) return;
  lab = await createLab({ clients: 1 });
  load = join(lab.workDir, 'udp-load');
  const cc = spawnSync(
    'gcc',
    ['-O2', '-o', load, join(repoRoot, 'tools/bench/udp-load.c'), '-lm'],
    { encoding: 'utf8' },
  );
  assert.equal(cc.status, 0, cc.stderr);
  await loadRules(lab.router, ['--mark', '7']);
  sink = await udpSink(lab, lab.server, PORT);
  // the flood's receiver: counts and drops
  const counter = lab.server.spawn([load, 'sink', String(FLOOD_PORT)]);
  await new Promise<void>((resolve, reject) => {
    onJsonLines(counter.stdout!, (o) => {
      if (o.event === 'ready') resolve();
    });
    counter.once('exit', (c) => reject(new Error(`udp-load sink exited (${c})`)));
  });
});

after(async () => {
  sink?.stop();
  if (lab) await lab.destroy();
});

/** VmRSS and VmHWM (peak) of a process, in bytes. */
function memory(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1]);
  return { rss: kb('VmRSS') * 1024, peak: kb('VmHWM') * 1024 };
}

test(
  'rope run (root): a flood of new flows past --max-flows keeps getting verdicts; memory stays bounded',
  { skip },
  async (t) => {
    const run = await RopeRun.start(lab.router, [
      '--queue',
      '0',
      '--max-flows',
      String(MAX_FLOWS),
      '--script',
      'bittorrent',
      '--script',
      'gnutella',
      '--script',
      'http-large',
      '--script',
      `${SCRIPTS}/udp-magic.rope`,
      '--on-match',
      'drop',
    ]);
    try {
      // `ip netns exec` execs the command: the child is rope run's Node process
      const pid = run.child.pid!;
      assert.match(readFileSync(`/proc/${pid}/cmdline`, 'utf8'), /rope|main\.ts/);
      const start = memory(pid);
      const flood = await lab.client.exec([
        load,
        'flood',
        lab.server.ipv4,
        String(FLOOD_PORT),
        '6',
        '100',
        '1',
      ]);
      const sent = JSON.parse(flood.stdout.trim().split('\n').pop()!) as { sent: number };
      await sleep(500);
      const s = await run.stats();
      const q = s.queues[0];
      assert.equal(q.verdicts, q.packets, 'every packet rope read got its verdict');
      assert.ok(
        s.totals.flows > 2 * MAX_FLOWS,
        `${s.totals.flows} flows of ${sent.sent} datagrams reached rope`,
      );
      assert.ok(s.totals.activeFlows <= MAX_FLOWS, `${s.totals.activeFlows} flows remembered`);
      // after the flood: a flow is still classified, and cut from its matching packet on
      const got = await (async () => {
        await udpFlow(lab.client, lab.server.ipv4, PORT, 42000, [
          'hello #f',
          'ROPE-MATCH now #f',
          'after #f',
        ]);
        await sleep(300);
        return sink.received().filter((p) => p.endsWith('#f'));
      })();
      assert.deepEqual(got, ['hello #f']);
      const end = memory(pid);
      const mb = (b: number) => `${(b / 1e6).toFixed(0)} MB`;
      t.diagnostic(
        `${sent.sent} datagrams sent, ${q.packets} reached rope (${s.totals.flows} flows, ${s.totals.activeFlows} remembered; queue full ${q.queueDropped}); RSS ${mb(start.rss)} before, ${mb(end.rss)} after, peak ${mb(end.peak)}`,
      );
      assert.ok(
        end.rss < RSS_BOUND,
        `rope run holds ${mb(end.rss)} after the flood (${mb(start.rss)} before, peak ${mb(end.peak)})`,
      );
    } finally {
      await run.stop();
    }
  },
);
