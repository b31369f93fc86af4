// rope run --share end to end, as root: two gateways (g1, g2) and redis-server (Debian) in a third
// namespace. A client locked on g1 (`--on-match lock:S`, triggered by a Gnutella handshake) is
// refused on g2, which never saw the handshake: the lock travels g1's tables → Redis → g2's
// tables → g2's kernel set. Killing Redis changes nothing for traffic — both gateways go on with
// their own tables. A script's own table is shared the same way, also into the worker threads of
// --queue-balance.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { repoRoot, type LabHost } from '../../tools/lab/host.js';
import { RopeRun, udpFlow } from '../rope-run/harness.js';
import { privilegedSkip } from '../support/environment.js';
import { ADDR, Gateways } from './gateways.js';
import { gnutellaHandshake, gnutellaServer, udpSink, type UdpSink } from './traffic.js';

const skip = privilegedSkip(['ip', 'iptables', 'ipset', 'python3', 'redis-server', 'ss']);
const SCRIPTS = join(repoRoot, 'test/fleet/scripts');
const GNUTELLA_PORT = 6346;
const UDP_PORT = 9999;
const SHARE = `redis://${ADDR.rd}:6379`;

/** Polls `ok()` every 50 ms for at most `ms` (the machine is shared: generous, never asserted). */
async function until(what: string, ok: () => boolean, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok() && Date.now() < end) await sleep(50);
  assert.ok(ok(), `timed out waiting for ${what}`);
}

interface Fleet {
  lab: Gateways;
  redis: ChildProcess;
  r1: RopeRun;
  r2: RopeRun;
  sink: UdpSink;
  /**
   * One round of UDP probes to s2 through g2: c1's datagram, then c2's. c2 is never locked, so
   * its datagram arriving means c1's (sent first, same path) has met its fate. Whether c1's
   * arrived.
   */
  probe(): Promise<boolean>;
}

/** Two gateways running `rope run ARGS… --share … --log`, Redis, the servers; `fn`; teardown. */
async function withFleet(
  queueArgs: string[],
  args: string[],
  fn: (f: Fleet) => Promise<void>,
): Promise<void> {
  const lab = Gateways.build();
  const tmp = mkdtempSync(join(tmpdir(), 'p2pw-fleet-'));
  const runs: RopeRun[] = [];
  const gateways: LabHost[] = [];
  try {
    const { c1, c2, s1, s2, rd, g1, g2 } = lab.hosts;
    lab.route('c1', ADDR.s2, 'g2'); // c1 reaches s1 through g1 and s2 through g2
    const redis = rd.spawn([
      'redis-server',
      ...['--bind', ADDR.rd, '--port', '6379', '--save', '', '--appendonly', 'no'],
      ...['--protected-mode', 'no', '--dir', tmp],
    ]);
    await rd.waitListening('tcp', 6379, 30_000, 'redis-server');
    for (const g of [g1, g2]) {
      await g.rope(['rules', '--iptables', ...queueArgs, '--family', 'ipv4', '--install'], {
        source: true,
      });
      gateways.push(g);
      runs.push(await RopeRun.start(g, [...queueArgs, ...args, '--share', SHARE, '--log']));
    }
    for (const r of runs) {
      assert.match(r.stderr(), /tables shared through redis:\/\/203\.0\.113\.10:6379/);
      await until('the gateway connects to Redis', () => /share: connected to /.test(r.stderr()));
    }
    await gnutellaServer(s1, GNUTELLA_PORT);
    const sink = await udpSink(s2, UDP_PORT);
    let round = 0;
    const probe = async (): Promise<boolean> => {
      const n = ++round;
      await udpFlow(c1, ADDR.s2, UDP_PORT, 41000 + n, [`c1-${n}`]);
      await udpFlow(c2, ADDR.s2, UDP_PORT, 41000 + n, [`c2-${n}`]);
      await until(`c2's probe ${n}`, () => sink.got.includes(`c2-${n}`));
      return sink.got.includes(`c1-${n}`);
    };
    const [r1, r2] = runs as [RopeRun, RopeRun];
    await fn({ lab, redis, r1, r2, sink, probe });
  } finally {
    await Promise.all(runs.map((r) => r.stop()));
    for (const g of gateways)
      await g.rope(['rules', '--iptables', '--remove'], { source: true, allowFail: true });
    await lab.destroy();
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** Probes until g2 refuses c1; returns how long that took after `since` (for the log only). */
async function refusedOnG2(f: Fleet, since: number): Promise<number> {
  while (await f.probe()) assert.ok(Date.now() - since < 60_000, 'g2 never refused c1');
  return Date.now() - since;
}

test(
  'rope run --share: a client locked on g1 is refused on g2; killing Redis changes nothing for traffic',
  { skip },
  async (t) => {
    await withFleet(
      ['--queue', '0'],
      ['--script', 'gnutella', '--on-match', 'lock:600'],
      async (f) => {
        const { c1, g2 } = f.lab.hosts;
        assert.equal(await f.probe(), true, 'before the handshake c1 passes g2');

        // the lock drops the handshake itself: no answer
        assert.equal(await gnutellaHandshake(c1, ADDR.s1, GNUTELLA_PORT), '(no answer)');
        await until('g1 locks c1', () =>
          f.r1.events.some((e) => e.event === 'lock' && e.client === ADDR.c1),
        );
        const locked = Date.now();

        // g2 never saw the handshake: the lock reaches its kernel set through Redis
        const inSet = async () =>
          /^192\.0\.2\.10 timeout \d+/m.test(
            (await g2.exec(['ipset', 'list', 'rope-locked4'])).stdout,
          );
        while (!(await inSet())) assert.ok(Date.now() - locked < 60_000, 'no lock on g2');
        t.diagnostic(`c1 was in g2's rope-locked4 ${Date.now() - locked} ms after g1's lock line`);
        assert.equal(await f.probe(), false, 'g2 refuses c1');
        assert.equal(f.r2.matches().length, 0, 'g2 classified nothing: the kernel refused c1');

        // Redis dies: one line on each gateway, and traffic goes on as before
        f.redis.kill('SIGKILL');
        for (const r of [f.r1, f.r2])
          await until('the gateway notices', () =>
            /share: lost redis:\/\/203\.0\.113\.10:6379 /.test(r.stderr()),
          );
        assert.equal(await f.probe(), false, 'c1 still refused by g2, c2 still passes');
        assert.equal(await f.probe(), false, 'and again');
        for (const r of [f.r1, f.r2]) {
          assert.equal(r.child.exitCode, null, 'rope run keeps running');
          assert.equal(r.stderr().match(/share: lost/g)?.length, 1, 'one line for the loss');
        }
      },
    );
  },
);

test(
  "rope run --share: a script's table learned on g1 reaches the queue workers of g2 (--queue-balance)",
  { skip },
  async (t) => {
    const groups = [
      ...['--script', join(SCRIPTS, 'locked.rope'), '--on-match', 'drop'],
      ...['--script', join(SCRIPTS, 'learn-gnutella.rope')],
    ];
    await withFleet(['--queue-balance', '0:1'], groups, async (f) => {
      const { c1 } = f.lab.hosts;
      assert.equal(await f.probe(), true, 'before the handshake c1 passes g2');
      assert.equal(await gnutellaHandshake(c1, ADDR.s1, GNUTELLA_PORT), 'GNUTELLA/0.6 200 OK');
      const isLearn = (e: Record<string, unknown>) => String(e.script).includes('learn-gnutella');
      await until('g1 logs the handshake', () => f.r1.matches().some(isLearn));
      const learned = Date.now();
      assert.equal(String(f.r1.matches().find(isLearn)!.from).split(':')[0], ADDR.c1);

      const ms = await refusedOnG2(f, learned);
      t.diagnostic(`g2 refused c1 ${ms} ms after g1 learned it (probe rounds included)`);
      const refused = f.r2.matches().find((e) => String(e.script).includes('locked'));
      assert.ok(refused, f.r2.stderr());
      assert.equal(String(refused.from).split(':')[0], ADDR.c1);
      assert.equal(refused.action, 'drop');
      assert.equal(f.r2.matches().filter(isLearn).length, 0, 'g2 never saw the handshake');
    });
  },
);
