// An HA pair, end to end, as root: conntrackd (Debian) in FTFW mode on a dedicated link between
// g1 and g2 carries the connection marks rope run sets. A UDP flow marked by rope on g1
// (--on-match mark:7) moves to g2 when the routes do (after g2 commits conntrackd's external cache,
// as a keepalived notify script would); there it keeps its mark (rope rules' restore-mark) and
// its treatment (a rule matching mark 7) and never reaches g2's queue — no second classification
// — while a new flow through g2 is queued and classified as usual.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { LabHost } from '../../tools/lab/host.js';
import { RopeRun, SCRIPTS, udpFlow } from '../rope-run/harness.js';
import { privilegedSkip } from '../support/environment.js';
import { Conntrackd } from './conntrackd.js';
import { ADDR, Gateways, GW_IFACES } from './gateways.js';
import { udpSink } from './traffic.js';

const skip = privilegedSkip([
  'ip',
  'iptables',
  'iptables-save',
  'python3',
  'conntrackd',
  'conntrack',
]);
const PORT = 9999;
const SPORT = 45000;
const TREATED = 'fleet-mark-7';

async function until(
  what: string,
  ok: () => boolean | Promise<boolean>,
  ms = 60_000,
): Promise<void> {
  const end = Date.now() + ms;
  for (;;) {
    if (await ok()) return;
    assert.ok(Date.now() < end, `timed out waiting for ${what}`);
    await sleep(100);
  }
}

/** The kernel's conntrack entry of the test flow in `g`, as `conntrack -L` prints it ('' if none). */
async function entry(g: LabHost): Promise<string> {
  const r = await g.exec(
    [
      'conntrack',
      '-L',
      '-p',
      'udp',
      '--orig-port-src',
      String(SPORT),
      '--orig-port-dst',
      String(PORT),
    ],
    { allowFail: true },
  );
  return r.stdout.trim();
}

/** Packets the "treatment" rule (FORWARD, mark 7) counted in `g`. */
async function treated(g: LabHost): Promise<number> {
  const r = await g.exec(['iptables-save', '-c', '-t', 'filter']);
  const line = r.stdout.split('\n').find((l) => l.includes(TREATED));
  assert.ok(line, r.stdout);
  return Number(/^\[(\d+):/.exec(line)![1]);
}

test(
  "HA pair: conntrackd carries rope's mark to g2; after failover the flow keeps its mark and treatment without reaching g2's queue",
  { skip },
  async () => {
    const lab = Gateways.build();
    const tmp = mkdtempSync(join(tmpdir(), 'p2pw-ha-'));
    const runs: RopeRun[] = [];
    const ruled: LabHost[] = [];
    try {
      const { c1, c2, s1, s2, g1, g2 } = lab.hosts;
      for (const g of [g1, g2]) {
        const rules = ['rules', '--iptables', '--queue', '0', '--mark', '7', '--family', 'ipv4'];
        await g.rope([...rules, '--install'], { source: true });
        ruled.push(g);
        // the treatment marked flows get: here a counting rule (tc, policy routing or a drop alike)
        await g.exec([
          'iptables',
          '-w',
          '-A',
          'FORWARD',
          '-m',
          'mark',
          '--mark',
          '0x7',
          '-m',
          'comment',
          '--comment',
          TREATED,
        ]);
      }
      const ignore = [
        '127.0.0.1',
        ADDR.g1.lan,
        ADDR.g1.wan,
        ADDR.g1.sync,
        ADDR.g2.lan,
        ADDR.g2.wan,
        ADDR.g2.sync,
      ];
      const d1 = await Conntrackd.start(g1, tmp, {
        local: ADDR.g1.sync,
        peer: ADDR.g2.sync,
        iface: GW_IFACES.sync,
        ignore,
      });
      const d2 = await Conntrackd.start(g2, tmp, {
        local: ADDR.g2.sync,
        peer: ADDR.g1.sync,
        iface: GW_IFACES.sync,
        ignore,
      });
      for (const g of [g1, g2])
        runs.push(
          await RopeRun.start(g, [
            '--queue',
            '0',
            '--script',
            join(SCRIPTS, 'udp-magic.rope'),
            '--on-match',
            'mark:7',
            '--log',
          ]),
        );
      const [r1, r2] = runs as [RopeRun, RopeRun];
      const sink1 = await udpSink(s1, PORT);

      // the flow starts through g1, which classifies and marks it
      await udpFlow(c1, ADDR.s1, PORT, SPORT, ['ROPE-MATCH one', 'two']);
      await until('s1 gets the first packets', () => sink1.got.includes('two'));
      await until('g1 logs the match', () => r1.matches().length === 1);
      assert.equal(r1.matches()[0]!.action, 'mark:0x7');
      await until('g1 holds the flow with mark 7', async () => /mark=7\b/.test(await entry(g1)));
      // conntrackd has carried it, mark included, into g2's external cache
      await until("g2's conntrackd has the flow", async () => {
        const e = (await d2.ctl(['-e'], true)).stdout;
        return e.split('\n').some((l) => l.includes(`sport=${SPORT}`) && /mark=7\b/.test(l));
      });
      assert.equal(await entry(g2), '', "not in g2's kernel table before the failover");

      // failover: g2 takes over (what primary-backup.sh "primary" runs), then the routes move
      for (const a of ['-c', '-f', '-R', '-B']) await d2.ctl([a]);
      assert.match(await entry(g2), /mark=7\b/);
      lab.failover();
      const before = await treated(g2);
      await udpFlow(c1, ADDR.s1, PORT, SPORT, ['ROPE-MATCH three', 'four', 'five']);
      await until('s1 gets the packets sent through g2', () => sink1.got.includes('five'));
      assert.match(await entry(g2), /mark=7\b/, 'the flow kept its mark on g2');
      assert.ok((await treated(g2)) - before >= 3, 'and its treatment');
      const s = await r2.stats();
      assert.equal(s.totals.packets, 0, "no packet of it reached g2's queue");
      assert.equal(r2.matches().length, 0);

      // g2's queue works: a new flow through it is classified there
      const sink2 = await udpSink(s2, PORT);
      await udpFlow(c2, ADDR.s2, PORT, SPORT + 1, ['ROPE-MATCH new']);
      await until('s2 gets the new flow', () => sink2.got.includes('ROPE-MATCH new'));
      await until('g2 logs its match', () => r2.matches().length === 1);
      assert.equal(String(r2.matches()[0]!.from), `${ADDR.c2}:${SPORT + 1}`);
      void d1;
    } finally {
      await Promise.all(runs.map((r) => r.stop()));
      for (const g of ruled)
        await g.rope(['rules', '--iptables', '--remove'], { source: true, allowFail: true });
      await lab.destroy();
      rmSync(tmp, { recursive: true, force: true });
    }
  },
);
