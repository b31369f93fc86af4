// rope run's enforcement end to end, as root, in a lab (two clients, a router, a server): the
// rules of `rope rules --iptables --install` in the router (this kernel may lack nft's queue
// statement), rope run there with --control, real TCP and UDP from the clients.
//
//   lock        a Gnutella handshake from client A with --on-match lock:S: A's new TCP to an
//               unrelated port fails, B's works, A's udp:53 works; after the lock lapses A
//               connects again; `rope ctl lock` / `unlock` end to end;
//   block       `rope ctl block` / `unblock` of the server;
//   learned     peers a script learns from a tracker response (a `kernel` table) are refused
//               before any connection to them, and again after rope run restarts with --state
//               (the kernel sets emptied meanwhile by a reinstall of the rules);
//   rope top    in tmux, shows the locked client and the learned peers;
//   kill -9     traffic flows (bypass); `rope rules --remove` leaves no rule, set or table.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { repoRoot } from '../../tools/lab/host.js';
import { privilegedSkip } from '../support/environment.js';
import { RopeRun } from '../rope-run/harness.js';
import {
  announce,
  connects,
  ctl,
  GNUTELLA_HANDSHAKE,
  holdConnection,
  inSet,
  listed,
  literal,
  PORTS,
  ruleLeftovers,
  startGnutellaRun,
  topShows,
  trackerResponse,
  udp53Works,
  until,
} from './support.js';
import { enforcementLab } from './enforcement-lab.js';

const skip = privilegedSkip(['ip', 'iptables', 'ipset', 'python3', 'tmux']);
const TRACKER_SCRIPT = join(repoRoot, 'test/enforce/scripts/tracker-peers.rope');
/**
 * The lock the match sets: short, so the test sees it lapse (the lock:20). The held
 * connection's retransmissions (dropped by rope run) renew it while they come, 0.2 s apart at
 * first and doubling (TCP's backoff): gaps stay under 20 s for about 25 s after the handshake.
 */
const LOCK_SECONDS = 20;
/** A peer of the tracker response that no host has: it must be blocked all the same. */
const ABSENT_PEER = '198.51.100.77';

const env = enforcementLab({
  skip,
  prefix: 'p2pw-enforce-',
  tracker: (s) =>
    trackerResponse([
      [s, PORTS.peer],
      [ABSENT_PEER, 6881],
    ]),
  prepare: async () => {
    await rules('--install');
  },
});

async function rules(action: '--install' | '--remove'): Promise<string> {
  const r = await env.lab.router.rope(['rules', '--iptables', action], { source: true });
  return r.stdout;
}

test(
  'enforcement (root): lock:S locks the inside client in the kernel until it lapses; rope ctl lock/unlock/block/unblock',
  { skip },
  async () => {
    const { lab, a, b, s, dir } = env;
    const sock = join(dir, 'lock.sock');
    const run = await startGnutellaRun(lab.router, {
      onMatch: `lock:${LOCK_SECONDS}`,
      inside: '192.0.2.0/24',
      control: sock,
    });
    try {
      assert.ok(await connects(a, s, PORTS.web), 'A connects before any lock');
      const reset = await holdConnection(a, s, PORTS.gnutella, GNUTELLA_HANDSHAKE);
      const event = await run.seen((e) => e.event === 'lock', 20_000);
      assert.equal(event.client, a.ipv4);
      assert.equal(event.label, 'gnutella');
      await until('A is in the kernel set of locked clients', () =>
        inSet(lab.router, 'rope-locked4', a.ipv4),
      );
      // the kernel's part first: the lock lives only while the dropped handshake's
      // retransmissions renew it, and `rope ctl` takes seconds to start on a loaded machine
      assert.equal(await connects(a, s, PORTS.web), false, "locked: A's new TCP fails");
      assert.ok(await connects(b, s, PORTS.web), "B's new TCP to the same server works");
      assert.ok(await udp53Works(a, s), "A's udp:53 (DNS) still works");
      const locks = (await listed(lab.router, sock)).filter((e) => e.kind === 'lock');
      assert.deepEqual(
        locks.map((e) => [e.address, e.label]),
        [[a.ipv4, 'gnutella']],
      );
      assert.ok(locks[0].secondsLeft! > 0 && locks[0].secondsLeft! <= LOCK_SECONDS);

      // A's P2P connection ends: no more P2P packets, the lock lapses and A connects again
      await reset();
      await until('the lock lapses and A connects again', () => connects(a, s, PORTS.web, 1));
      assert.deepEqual(
        (await listed(lab.router, sock)).filter((e) => e.kind === 'lock'),
        [],
        'rope ctl list shows no lock any more',
      );

      // by hand: lock for long, unlock early
      const locked = await ctl(lab.router, sock, ['lock', a.ipv4, '--for', '600']);
      assert.equal(locked.code, 0, locked.stderr);
      await until('the manual lock reaches the kernel', () =>
        inSet(lab.router, 'rope-locked4', a.ipv4),
      );
      assert.equal(await connects(a, s, PORTS.web), false, 'locked by rope ctl');
      const lockRow = new RegExp(`locked +${literal(a.ipv4)} +manual +\\d+m\\d\\ds`);
      await topShows(lab.router, sock, lockRow, 'the locked client');
      // without --dns-train a banned name could never block anything: refused, saying why
      const ban = await ctl(lab.router, sock, ['ban-dns', 'tracker.example.org']);
      assert.equal(ban.code, 1);
      assert.match(ban.stderr, /^rope ctl: .*start it with --dns-train FILE/);
      const unlocked = await ctl(lab.router, sock, ['unlock', a.ipv4]);
      assert.equal(unlocked.code, 0, unlocked.stderr);
      await until('rope ctl unlock ends the lock', () => connects(a, s, PORTS.web, 1));
      assert.equal(await inSet(lab.router, 'rope-locked4', a.ipv4), false);

      // a blocked peer: nobody inside opens a new connection to it
      const blocked = await ctl(lab.router, sock, ['block', `${s}:${PORTS.web}`, '--for', '600']);
      assert.equal(blocked.code, 0, blocked.stderr);
      await until('the block reaches the kernel', () =>
        inSet(lab.router, 'rope-blockedp4', `${s},tcp:${PORTS.web}`),
      );
      assert.equal(await connects(b, s, PORTS.web), false, 'blocked peer: B cannot connect');
      assert.ok(await connects(b, s, PORTS.other), 'another port of the same host is not blocked');
      assert.deepEqual(
        (await listed(lab.router, sock))
          .filter((e) => e.kind === 'block')
          .map((e) => [e.address, e.port, e.label]),
        [[s, PORTS.web, 'manual']],
      );
      assert.equal((await ctl(lab.router, sock, ['unblock', `${s}:${PORTS.web}`])).code, 0);
      await until('rope ctl unblock ends the block', () => connects(b, s, PORTS.web, 1));
      const stopped = await run.stop();
      assert.equal(stopped.code, 0, run.stderr());
    } finally {
      await run.stop();
    }
  },
);

test(
  'enforcement (root): peers learned into a kernel table are refused before any connection, and again after a restart with --state',
  { skip },
  async () => {
    const { lab, a, b, s, dir } = env;
    const sock = join(dir, 'learn.sock');
    const state = join(dir, 'state.json');
    const args = ['--queue', '0', '--script', TRACKER_SCRIPT, '--state', state, '--control', sock];
    const run = await RopeRun.start(lab.router, args);
    try {
      assert.ok(await connects(a, s, PORTS.other), 'A reaches the server');
      await announce(a, s);
      await until('the learned peer reaches the kernel', () =>
        inSet(lab.router, 'rope-learnedp4', `${s},tcp:${PORTS.peer}`),
      );
      assert.ok(await inSet(lab.router, 'rope-learnedp4', `${ABSENT_PEER},tcp:6881`));
      assert.equal(await connects(a, s, PORTS.peer), false, 'the learned peer is refused');
      assert.equal(await connects(b, s, PORTS.peer), false, '… to every inside host');
      assert.ok(await connects(a, s, PORTS.other), 'its other ports are not');
      const learned = (await listed(lab.router, sock)).filter((e) => e.label === 'tracker-peers');
      assert.deepEqual(
        learned.map((e) => [e.address, e.port]).sort(),
        [
          [ABSENT_PEER, 6881],
          [s, PORTS.peer],
        ].sort(),
      );

      // rope top in tmux (in the router, as an administrator would run it) shows them
      const peer = new RegExp(`blocked +${literal(s)}:${PORTS.peer} +tracker-peers +\\d+m\\d\\ds`);
      const screen = await topShows(lab.router, sock, peer, 'the learned peer');
      // uptime as rope top shows it: 59s, 1m01s, 2h03m, 3d04h
      assert.match(screen, /^rope top · up [0-9dhms]+ · /m);
      assert.equal((await run.stop()).code, 0, run.stderr());
    } finally {
      await run.stop();
    }

    // the sets are made anew (empty): only the state file remembers the peers
    await rules('--remove');
    await rules('--install');
    assert.equal(await inSet(lab.router, 'rope-learnedp4', `${s},tcp:${PORTS.peer}`), false);
    assert.ok(await connects(a, s, PORTS.peer), 'with empty sets the peer is reachable');
    const again = await RopeRun.start(lab.router, args);
    try {
      assert.match(again.stderr(), /state file .*: 2 entries restored/);
      await until('the restored peer reaches the kernel', () =>
        inSet(lab.router, 'rope-learnedp4', `${s},tcp:${PORTS.peer}`),
      );
      assert.equal(await connects(a, s, PORTS.peer), false, 'refused again after the restart');

      // kill -9: the queue's bypass lets traffic through; the kernel sets keep enforcing
      const killed = await again.stop('SIGKILL');
      assert.equal(killed.signal, 'SIGKILL');
      assert.ok(await connects(a, s, PORTS.other), 'traffic flows without rope run (bypass)');
      assert.equal(await connects(a, s, PORTS.peer), false, 'the kernel still blocks the peer');
    } finally {
      await again.stop();
    }

    await rules('--remove');
    assert.deepEqual(await ruleLeftovers(lab.router), [], 'no rule, chain, set or table is left');
    assert.ok(await connects(a, s, PORTS.peer), 'the peer is reachable again');
  },
);

test(
  'enforcement (root): block-peer:S from a queue worker (--queue-balance) blocks the peer for every inside host',
  { skip },
  async () => {
    const { lab, a, b, s, dir } = env;
    const install = await lab.router.rope(
      ['rules', '--iptables', '--queue-balance', '0:1', '--install'],
      { source: true },
    );
    assert.match(install.stdout, /installed iptables and ip6tables chains rope-\*/);
    const sock = join(dir, 'block.sock');
    const run = await startGnutellaRun(lab.router, {
      onMatch: 'block-peer:600',
      queueBalance: '0:1',
      control: sock,
    });
    try {
      assert.ok(await connects(b, s, PORTS.gnutella), 'B reaches the Gnutella port before');
      const reset = await holdConnection(a, s, PORTS.gnutella, GNUTELLA_HANDSHAKE);
      const event = await run.seen((e) => e.event === 'block', 20_000);
      assert.equal(event.peer, `${s}:${PORTS.gnutella}`);
      assert.equal(event.label, 'gnutella');
      await until('the peer is in the kernel set of blocked peers', () =>
        inSet(lab.router, 'rope-blockedp4', `${s},tcp:${PORTS.gnutella}`),
      );
      assert.equal(await connects(b, s, PORTS.gnutella), false, 'B cannot open a new one to it');
      assert.ok(await connects(b, s, PORTS.web), 'the peer host is reachable on other ports');
      assert.ok(await connects(a, s, PORTS.web), 'A is not locked');
      assert.deepEqual(
        (await listed(lab.router, sock)).map((e) => [e.kind, e.address, e.port, e.label]),
        [['block', s, PORTS.gnutella, 'gnutella']],
      );
      await reset();
      assert.equal((await run.stop()).code, 0, run.stderr());
    } finally {
      await run.stop();
      await lab.router.rope(['rules', '--iptables', '--remove'], { source: true });
    }
    assert.deepEqual(await ruleLeftovers(lab.router), []);
  },
);
