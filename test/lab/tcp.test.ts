// The long-lived TCP connection generator, as root in a lab: connections cross the router, idle
// ones stay open, busy ones move data, and every way a connection can end is reported as such by
// each endpoint — a RST from the peer, a kernel-destroyed socket (`ss -K`, what sock_diag does),
// a router rule that resets the sender only, a graceful close.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { withLab } from '../../tools/lab/topology.js';
import { privilegedSkip } from '../support/environment.js';

const skip = privilegedSkip(['ip', 'nft', 'conntrack', 'ss']);

test(
  'idle connections stay open and are tracked by the router; busy ones move data both ways',
  { skip },
  async () => {
    await withLab({ clients: 2 }, async (lab) => {
      const idle = await lab.tcpConnections({ from: lab.client, to: lab.server, count: 20 });
      const busy = await lab.tcpConnections({
        from: lab.clients[1],
        to: lab.server,
        count: 2,
        busy: 'both',
      });
      assert.deepEqual(idle.counts().client.open, 20);
      assert.deepEqual(idle.counts().server.open, 20);
      const tracked = (await lab.router.conntrackEntries(4)).filter(
        (e) => e.proto === 'tcp' && e.state === 'ESTABLISHED',
      );
      for (const c of idle) {
        const port = c.clientPort;
        assert.ok(
          tracked.some((e) => e.original.sport === port && e.original.dport === idle.port),
          `conntrack entry for port ${port}`,
        );
      }
      const before = await busy.stats();
      const wanBefore = await lab.router.linkStats(lab.router.wanIface);
      await sleep(300);
      const after = await busy.stats();
      const wanAfter = await lab.router.linkStats(lab.router.wanIface);
      for (let i = 0; i < 2; i++) {
        assert.ok(after[i].client.rx > before[i].client.rx, 'client keeps receiving');
        assert.ok(after[i].server.rx > before[i].server.rx, 'server keeps receiving');
      }
      assert.ok(
        wanAfter.txBytes - wanBefore.txBytes > 1_000_000,
        'the bulk data crossed the router',
      );
      // Idle really is idle: no byte moved after the hello.
      const idleStats = await idle.stats();
      assert.ok(
        idleStats.every((s) => s.server.rx === 0 && s.client.rx === 0 && s.client.tx === 0),
      );
      assert.deepEqual(idle.counts().client.open, 20, 'still open');
    });
  },
);

test(
  'a RST from one end is reported as reset by the other, with the time it happened',
  { skip },
  async () => {
    await withLab({}, async (lab) => {
      const conns = await lab.tcpConnections({ from: lab.client, to: lab.server, count: 4 });
      const t0 = Date.now();
      conns.reset('client', [1, 2]);
      await conns.waitForState('reset', { which: [conns.get(1), conns.get(2)] });
      for (const id of [1, 2]) {
        const s = conns.get(id).status();
        assert.equal(s.server.state, 'reset');
        assert.equal(s.server.code, 'ECONNRESET');
        assert.equal(s.server.by, 'peer');
        assert.equal(s.client.by, 'local');
        assert.ok(s.server.endedAt! >= t0 - 1 && s.server.endedAt! >= s.server.openedAt!);
      }
      assert.equal(conns.get(0).status().client.state, 'open');
      assert.equal(conns.get(3).status().server.state, 'open');
    });
  },
);

test(
  'sockets destroyed by the kernel (ss -K) are reported reset on both ends, IPv6 too',
  { skip },
  async () => {
    await withLab({}, async (lab) => {
      const conns = await lab.tcpConnections({
        from: lab.client,
        to: lab.server,
        count: 3,
        family: 6,
      });
      const victim = conns.get(0);
      const sport = victim.clientPort!;
      await lab.server.exec(['ss', '-K', '-t', 'dst', `[${lab.client.ipv6}]:${sport}`]);
      await conns.waitForState('reset', { which: [victim] });
      const s = victim.status();
      assert.equal(s.server.code, 'ECONNABORTED', 'the destroyed socket');
      assert.equal(s.client.code, 'ECONNRESET', 'the RST the kernel sent for it');
      assert.deepEqual(
        [conns.get(1).status().client.state, conns.get(2).status().server.state],
        ['open', 'open'],
      );
    });
  },
);

test(
  'a router rule that answers data with a reset ends only the sender of a busy connection',
  { skip },
  async () => {
    await withLab({}, async (lab) => {
      const conns = await lab.tcpConnections({
        from: lab.client,
        to: lab.server,
        count: 1,
        busy: 'download',
      });
      await lab.router.nft(
        `table inet test { chain forward { type filter hook forward priority filter; tcp sport ${conns.port} reject with tcp reset; }; }\n`,
      );
      await conns.waitFor((s) => s.server.state === 'reset');
      await sleep(200);
      assert.equal(conns.get(0).status().client.state, 'open', 'the receiver never saw a RST');
    });
  },
);

test('a graceful close is reported as closed, by whom', { skip }, async () => {
  await withLab({ nat: 'masquerade' }, async (lab) => {
    const conns = await lab.tcpConnections({ from: lab.client, to: lab.server, count: 2 });
    conns.close('server', [0]);
    await conns.waitForState('closed', { which: [conns.get(0)] });
    assert.equal(conns.get(0).status().client.by, 'peer');
    assert.equal(conns.get(0).status().server.by, 'local');
    assert.equal(conns.get(1).status().client.state, 'open');
  });
});

test('connections the router refuses fail with a message naming the cause', { skip }, async () => {
  await withLab({}, async (lab) => {
    await lab.router.nft(
      `table inet test { chain forward { type filter hook forward priority filter; tcp dport 7777 reject with tcp reset; }; }\n`,
    );
    await assert.rejects(
      lab.tcpConnections({ from: lab.client, to: lab.server, count: 3, port: 7777 }),
      /3 of 3 failed to connect \(ECONNREFUSED\)/,
    );
  });
});

test('1,000 connections, one process per side, all open and tracked', { skip }, async () => {
  await withLab({}, async (lab) => {
    const conns = await lab.tcpConnections({ from: lab.client, to: lab.server, count: 1000 });
    assert.equal(conns.counts().client.open, 1000);
    assert.equal(conns.counts().server.open, 1000);
    const pids = conns.pids;
    assert.ok(pids.client && pids.server);
    const tracked = (await lab.router.conntrackEntries(4)).filter(
      (e) => e.proto === 'tcp' && e.original.dport === conns.port,
    );
    assert.equal(tracked.length, 1000);
    const ports = new Set(conns.connections.map((c) => c.clientPort));
    assert.equal(ports.size, 1000);
  });
});
