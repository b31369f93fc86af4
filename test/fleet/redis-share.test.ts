// rope run --share end to end, as root: two gateways (g1, g2) and redis-server (Debian) in a third
// namespace. A client learned on g1 (a Gnutella handshake puts its address into the shared
// "locked" table) is refused on g2, which never saw the handshake; killing Redis changes nothing
// for traffic — both gateways go on with their own tables.
//
// The lock here is a script's table ("locked", dropped by the locked.rope group), so the test
// shows the sharing on its own; rope run's own locks (--on-match lock:S) live in tables too and
// travel the same way.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { repoRoot } from '../../tools/lab/host.js';
import { loadRules, RopeRun, udpFlow } from '../rope-run/harness.js';
import { privilegedSkip } from '../support/environment.js';
import { ADDR, Gateways } from './gateways.js';
import { gnutellaHandshake, gnutellaServer, udpSink, type UdpSink } from './traffic.js';

const skip = privilegedSkip(['ip', 'iptables', 'python3', 'redis-server', 'ss']);
const SCRIPTS = join(repoRoot, 'test/fleet/scripts');
const GNUTELLA_PORT = 6346;
const UDP_PORT = 9999;

/** Polls `ok()` every 50 ms for at most `ms` (the machine is shared: generous, never asserted). */
async function until(what: string, ok: () => boolean, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok() && Date.now() < end) await sleep(50);
  assert.ok(ok(), `timed out waiting for ${what}`);
}

test(
  'rope run --share: a client learned on g1 is refused on g2; killing Redis changes nothing for traffic',
  { skip },
  async () => {
    const lab = Gateways.build();
    const tmp = mkdtempSync(join(tmpdir(), 'p2pw-fleet-'));
    const runs: RopeRun[] = [];
    try {
      const { c1, c2, s1, s2, rd, g1, g2 } = lab.hosts;
      lab.route('c1', ADDR.s2, 'g2'); // c1 reaches s1 through g1 and s2 through g2
      const redis = rd.spawn([
        'redis-server',
        '--bind',
        ADDR.rd,
        '--port',
        '6379',
        '--save',
        '',
        '--appendonly',
        'no',
        '--protected-mode',
        'no',
        '--dir',
        tmp,
      ]);
      await rd.waitListening('tcp', 6379, 30_000, 'redis-server');
      for (const g of [g1, g2]) await loadRules(g, ['--queue', '0', '--family', 'ipv4']);
      for (const g of [g1, g2]) {
        runs.push(
          await RopeRun.start(g, [
            '--queue',
            '0',
            '--script',
            join(SCRIPTS, 'locked.rope'),
            '--on-match',
            'drop',
            '--script',
            join(SCRIPTS, 'learn-gnutella.rope'),
            '--share',
            `redis://${ADDR.rd}:6379`,
            '--log',
          ]),
        );
      }
      const [r1, r2] = runs as [RopeRun, RopeRun];
      for (const r of runs) {
        assert.match(r.stderr(), new RegExp(`tables shared through redis://${ADDR.rd}:6379`));
        await until('the gateway connects to Redis', () => /share: connected to /.test(r.stderr()));
      }
      await gnutellaServer(s1, GNUTELLA_PORT);
      const sink: UdpSink = await udpSink(s2, UDP_PORT);

      // One round of probes through g2: c1's datagram, then c2's. c2 is never locked, so its
      // datagram arriving means c1's (sent first, same queue) has had its verdict.
      let round = 0;
      const probe = async (): Promise<boolean> => {
        const n = ++round;
        await udpFlow(c1, ADDR.s2, UDP_PORT, 41000 + n, [`c1-${n}`]);
        await udpFlow(c2, ADDR.s2, UDP_PORT, 41000 + n, [`c2-${n}`]);
        await until(`c2's probe ${n}`, () => sink.got.includes(`c2-${n}`));
        return sink.got.includes(`c1-${n}`);
      };
      assert.equal(await probe(), true, 'before the handshake c1 passes g2');

      assert.equal(await gnutellaHandshake(c1, ADDR.s1, GNUTELLA_PORT), 'GNUTELLA/0.6 200 OK');
      const isLearn = (e: Record<string, unknown>) => String(e.script).includes('learn-gnutella');
      await until('g1 logs the handshake', () => r1.matches().some(isLearn));
      const learned = r1.matches().find(isLearn)!;
      assert.equal(String(learned.from).split(':')[0], ADDR.c1);

      // g2 never saw the handshake; it refuses c1 once Redis has carried the key over
      const t0 = Date.now();
      while (await probe()) assert.ok(Date.now() - t0 < 60_000, 'g2 never refused c1');
      const refused = r2.matches().find((e) => String(e.script).includes('locked'));
      assert.ok(refused, r2.stderr());
      assert.equal(String(refused.from).split(':')[0], ADDR.c1);
      assert.equal(refused.action, 'drop');
      assert.equal(
        r2.matches().filter((e) => String(e.script).includes('learn-gnutella')).length,
        0,
      );

      // Redis dies: one line on each gateway, and traffic goes on as before
      redis.kill('SIGKILL');
      for (const r of runs)
        await until('the gateway notices', () =>
          /share: lost redis:\/\/203\.0\.113\.10:6379 /.test(r.stderr()),
        );
      assert.equal(await probe(), false, 'c1 still refused by g2');
      assert.equal(await probe(), false, 'and again');
      // c1 is locked on g1 as well (it learned it first); c2 still passes g2 (probe() waits for it)
      for (const r of runs) assert.equal(r.child.exitCode, null, 'rope run keeps running');
      for (const r of runs)
        assert.equal(r.stderr().match(/share: lost/g)?.length, 1, 'one line for the loss');
    } finally {
      await Promise.all(runs.map((r) => r.stop()));
      await lab.destroy();
      rmSync(tmp, { recursive: true, force: true });
    }
  },
);
