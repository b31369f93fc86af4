// rope run's enforcement counters end to end, as root, in a lab (two clients, a router, a server;
// the rules of `rope rules --iptables --install`): /metrics is scraped in the router while real
// TCP from the clients gets a client locked and a peer blocked, and every counter must move by
// exactly what the traffic and the `rope ctl` commands did — in /metrics, in the --stats-json
// line and in `rope ctl stats --json`.
//
//   lock        a Gnutella handshake from client A with --on-match lock:S, --exec: one lock, one
//               command; rope ctl block / unblock / unlock: one of each;
//   block-peer  the same handshake with --on-match block-peer:S and --queue-balance: one block
//               from a match, however many packets of the flow renew it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { privilegedSkip } from '../support/environment.js';
import { scrapeMetrics } from '../rope-run/harness.js';
import {
  connects,
  ctl,
  GNUTELLA_HANDSHAKE,
  holdConnection,
  PORTS,
  startGnutellaRun,
  trackerResponse,
  until,
} from './support.js';
import { enforcementLab } from './enforcement-lab.js';

const skip = privilegedSkip(['ip', 'iptables', 'ipset', 'python3', 'curl']);
const METRICS = 9479;

const env = enforcementLab({
  skip,
  prefix: 'p2pw-counters-',
  tracker: () => trackerResponse([]),
  // a test that failed half-way leaves its rules installed
  cleanup: async (lab) => {
    await lab.router.rope(['rules', '--iptables', '--remove'], { source: true, allowFail: true });
  },
});

/** The samples of the rope run in the router. */
const scrape = () => scrapeMetrics(env.lab.router, METRICS);

/** The value of one series (as printed, labels in prom-client's order); a missing one fails. */
function value(samples: Map<string, number>, series: string): number {
  const v = samples.get(series);
  assert.notEqual(v, undefined, `no series ${series} in /metrics`);
  return v!;
}

/** Waits until the series has `want`; then every series of `exact` must be as given. */
async function expectMetrics(
  what: string,
  wait: [string, number],
  exact: Record<string, number>,
): Promise<void> {
  let last = new Map<string, number>();
  await until(what, async () => {
    last = await scrape();
    return last.get(wait[0]) === wait[1];
  });
  for (const [series, want] of Object.entries(exact))
    assert.equal(value(last, series), want, `${what}: ${series}`);
}

const BLOCK_SOURCES = ['match', 'table', 'dns', 'cut', 'ctl', 'share'];
const blocks = (counts: Partial<Record<string, number>>) =>
  Object.fromEntries(
    BLOCK_SOURCES.map((source) => [`rope_blocks_total{source="${source}"}`, counts[source] ?? 0]),
  );

test(
  'enforcement counters (root): a real lock and rope ctl block/unblock/unlock move /metrics, --stats-json and rope ctl stats by exactly one each',
  { skip },
  async () => {
    const { lab, a, b, s, dir } = env;
    await lab.router.rope(['rules', '--iptables', '--install'], { source: true });
    const sock = join(dir, 'lock.sock');
    const run = await startGnutellaRun(lab.router, {
      onMatch: 'lock:600',
      inside: '192.0.2.0/24',
      control: sock,
      metrics: METRICS,
      exec: 'true',
    });
    try {
      const before = await scrape();
      for (const [series, want] of Object.entries({
        rope_locks_total: 0,
        rope_locked_clients: 0,
        rope_blocked_peers: 0,
        ...blocks({}),
        'rope_cuts_total{proto="tcp",result="reset"}': 0,
        rope_dns_trained_total: 0,
      }))
        assert.equal(value(before, series), want, `before any traffic: ${series}`);

      assert.ok(await connects(a, s, PORTS.web), 'A connects before any lock');
      const reset = await holdConnection(a, s, PORTS.gnutella, GNUTELLA_HANDSHAKE);
      await run.seen((e) => e.event === 'lock', 20_000);
      await expectMetrics('the lock in /metrics', ['rope_locked_clients', 1], {
        rope_locks_total: 1,
        rope_unlocks_total: 0,
        rope_blocked_peers: 0,
        ...blocks({}),
      });
      assert.equal(await connects(a, s, PORTS.web), false, "locked: A's new TCP fails");
      // the P2P connection ends (its RST may renew the lock, never start another one)
      await reset();

      const blocked = await ctl(lab.router, sock, ['block', `${s}:${PORTS.web}`, '--for', '600']);
      assert.equal(blocked.code, 0, blocked.stderr);
      await expectMetrics('the manual block in /metrics', ['rope_blocked_peers', 1], {
        rope_locks_total: 1,
        rope_locked_clients: 1,
        ...blocks({ ctl: 1 }),
      });
      assert.equal(await connects(b, s, PORTS.web), false, 'the blocked peer is refused');

      assert.equal((await ctl(lab.router, sock, ['unblock', `${s}:${PORTS.web}`])).code, 0);
      assert.equal((await ctl(lab.router, sock, ['unlock', a.ipv4])).code, 0);
      await expectMetrics('unblock and unlock in /metrics', ['rope_unlocks_total', 1], {
        rope_unblocks_total: 1,
        rope_locked_clients: 0,
        rope_blocked_peers: 0,
        rope_locks_total: 1,
        ...blocks({ ctl: 1 }),
      });
      // --exec true ran once for the lock and once for the block
      await expectMetrics(
        '--exec in /metrics',
        ['rope_exec_runs_total{kind="block",result="ok"}', 1],
        {
          'rope_exec_runs_total{kind="lock",result="ok"}': 1,
          'rope_exec_runs_total{kind="lock",result="failed"}': 0,
          'rope_exec_runs_total{kind="cut",result="ok"}': 0,
        },
      );
      assert.ok(await connects(a, s, PORTS.web, 1), 'A connects again');

      const stats = await run.stats();
      const e = stats.enforcement;
      assert.deepEqual(
        [e.lockedClients, e.blockedPeers, e.locks.started, e.locks.unlocked],
        [0, 0, 1, 1],
      );
      assert.deepEqual(e.blocks, {
        ...e.blocks,
        match: 0,
        table: 0,
        dns: 0,
        cut: 0,
        ctl: 1,
        share: 0,
        unblocked: 1,
      });
      assert.deepEqual(e.exec.lock, { started: 1, ok: 1, failed: 0, dropped: 0 });
      const r = await ctl(lab.router, sock, ['--json', 'stats']);
      assert.equal(r.code, 0, r.stderr);
      const fromCtl = JSON.parse(r.stdout) as { enforcement: typeof e };
      assert.equal(fromCtl.enforcement.locks.started, 1);
      assert.equal(fromCtl.enforcement.blocks.ctl, 1);
      const text = await ctl(lab.router, sock, ['stats']);
      assert.match(text.stdout, /^enforcement: 0 locked, 0 blocked now; locks 1 \(/m);
      assert.equal((await run.stop()).code, 0, run.stderr());
    } finally {
      await run.stop();
      await lab.router.rope(['rules', '--iptables', '--remove'], { source: true });
    }
  },
);

test(
  'enforcement counters (root): a real block-peer match under --queue-balance is one block in the merged /metrics, renewals apart',
  { skip },
  async () => {
    const { lab, a, b, s } = env;
    await lab.router.rope(['rules', '--iptables', '--queue-balance', '0:1', '--install'], {
      source: true,
    });
    const run = await startGnutellaRun(lab.router, {
      onMatch: 'block-peer:600',
      queueBalance: '0:1',
      metrics: METRICS,
    });
    try {
      const reset = await holdConnection(a, s, PORTS.gnutella, GNUTELLA_HANDSHAKE);
      const event = await run.seen((e) => e.event === 'block', 20_000);
      assert.equal(event.peer, `${s}:${PORTS.gnutella}`);
      await expectMetrics('the block in /metrics', ['rope_blocked_peers', 1], {
        ...blocks({ match: 1 }),
        rope_locks_total: 0,
        rope_locked_clients: 0,
      });
      assert.equal(await connects(b, s, PORTS.gnutella), false, 'B cannot open a new one to it');
      // the held connection's retransmissions reach rope and renew the block: not new blocks
      await until('a retransmission renews the block', async () => {
        const m = await scrape();
        return m.get('rope_block_renewals_total')! >= 1;
      });
      const later = await scrape();
      assert.equal(value(later, 'rope_blocks_total{source="match"}'), 1);
      assert.equal(value(later, 'rope_blocked_peers'), 1);
      await reset();
      const stopped = await run.stop();
      assert.equal(stopped.code, 0, run.stderr());
      assert.equal(stopped.last?.enforcement.blocks.match, 1);
    } finally {
      await run.stop();
      await lab.router.rope(['rules', '--iptables', '--remove'], { source: true });
    }
  },
);
