// cutter end to end, as root, in the lab: the real binary runs in the router, and every case
// checks what the endpoints themselves saw — their sockets reset — and that no temporary rule is
// left behind.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toolArgv } from '../../tools/lab/host.js';
import { withLab } from '../../tools/lab/topology.js';
import { privilegedSkip } from '../support/environment.js';
import { conntrackLines, cutter, estabResets, leftovers } from './support.js';

const skip = privilegedSkip(['ip', 'nft', 'conntrack']);
/** Both endpoints must have seen their reset within this long after cutter returned. */
const BOUND_MS = 5000;

const cases = [
  { name: 'an idle IPv4 connection', lab: {}, busy: false as const, family: 4 as const },
  {
    name: 'a busy connection (bulk download at full speed)',
    lab: {},
    busy: 'download' as const,
    family: 4 as const,
  },
  {
    name: 'a busy upload through MASQUERADE',
    lab: { nat: 'masquerade' as const },
    busy: 'upload' as const,
    family: 4 as const,
  },
  {
    name: 'a connection through DNAT',
    lab: { nat: 'dnat' as const },
    busy: false as const,
    family: 4 as const,
  },
  {
    name: 'an IPv6 connection through MASQUERADE',
    lab: { nat: 'masquerade' as const },
    busy: false as const,
    family: 6 as const,
  },
  {
    name: 'endpoints that drop invalid packets, busy both ways',
    lab: { endpointsDropInvalid: true },
    busy: 'both' as const,
    family: 4 as const,
  },
  {
    name: 'endpoints that drop invalid packets, IPv6, idle, iptables rules',
    lab: { endpointsDropInvalid: true, firewall: 'iptables' as const },
    busy: false as const,
    family: 6 as const,
    args: ['--firewall', 'iptables'],
  },
];

for (const c of cases) {
  test(`cuts ${c.name}: both endpoints reset, entry deleted, no rule left`, { skip }, () =>
    withLab(c.lab, async (lab) => {
      const conns = await lab.tcpConnections({
        from: lab.client,
        to: lab.server,
        busy: c.busy,
        family: c.family,
      });
      const resetsBefore = [await estabResets(lab.client), await estabResets(lab.server)];
      const run = await cutter(lab.router, [
        '--yes',
        '--json',
        ...(c.args ?? []),
        lab.client.address(c.family),
        '0',
        lab.server.address(c.family),
      ]);
      assert.equal(run.code, 0, run.stderr);
      assert.equal(run.results.length, 1);
      const r = run.results[0];
      assert.equal(r.result, 'cut', r.reason);
      assert.equal(r.method, 'rst');
      assert.equal(r.conntrackDeleted, true);
      assert.ok(r.initiator.reset && r.responder.reset);
      // Node reports a reset that lands while nothing is read as a close (rarely, seen once in a
      // busy upload); either way the end came from the peer, i.e. from us
      await conns.waitForState(['reset', 'closed'], { timeoutMs: BOUND_MS });
      const s = conns.get(0).status();
      assert.equal(s.client.by, 'peer');
      assert.equal(s.server.by, 'peer');
      // the RST itself, as each endpoint's kernel counted it (the lab's peers never abort)
      assert.deepEqual(
        [
          (await estabResets(lab.client)) - resetsBefore[0],
          (await estabResets(lab.server)) - resetsBefore[1],
        ],
        [1, 1],
        'each end was reset while established',
      );
      assert.equal(await leftovers(lab), '');
      assert.deepEqual(
        await conntrackLines(lab, `sport=${s.client.local!.port} `),
        [],
        'the entry is gone and was not recreated',
      );
    }),
  );
}

test('cuts a connection that ends on the router itself (sock_diag destroy)', { skip }, () =>
  withLab({}, async (lab) => {
    const conns = await lab.tcpConnections({ from: lab.client, to: lab.router });
    const run = await cutter(lab.router, ['--yes', '--json', lab.client.ipv4]);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.results[0].result, 'cut', run.results[0].reason);
    assert.equal(run.results[0].method, 'sock-destroy');
    assert.equal(run.results[0].local, 'responder');
    await conns.waitFor((s) => s.client.state === 'reset' && s.server.state !== 'open', {
      timeoutMs: BOUND_MS,
    });
    assert.equal(conns.get(0).status().server.code, 'ECONNABORTED');
    assert.equal(await leftovers(lab), '');
  }),
);

test(
  '100 connections to one host cut by one command; 50 bystanders survive untouched',
  { skip },
  () =>
    withLab({ clients: 2, servers: 2 }, async (lab) => {
      const [c1, c2] = lab.clients;
      const [s1, s2] = lab.servers;
      const targets = await lab.tcpConnections({ from: c1, to: s1, count: 100 });
      const otherClient = await lab.tcpConnections({ from: c2, to: s1, count: 20 });
      const otherServer = await lab.tcpConnections({ from: c1, to: s2, count: 20 });
      const otherPort = await lab.tcpConnections({ from: c1, to: s1, count: 10, busy: 'download' });
      const run = await cutter(lab.router, [
        '--yes',
        '--json',
        c1.ipv4,
        '0',
        s1.ipv4,
        String(targets.port),
      ]);
      assert.equal(run.code, 0, run.stderr);
      assert.equal(run.results.length, 100);
      assert.deepEqual([...new Set(run.results.map((r) => r.result))], ['cut']);
      await targets.waitForState('reset', { timeoutMs: BOUND_MS });
      // the bystanders: still open on both ends, and the busy ones still moving data
      const before = await otherPort.stats();
      await new Promise((r) => setTimeout(r, 300));
      const after = await otherPort.stats();
      for (const g of [otherClient, otherServer, otherPort]) {
        assert.deepEqual(g.counts().client.open, g.connections.length);
        assert.deepEqual(g.counts().server.open, g.connections.length);
      }
      assert.ok(
        after.every((s, i) => s.client.rx > before[i].client.rx),
        'bystander downloads keep flowing',
      );
      assert.equal(await leftovers(lab), '');
    }),
);

test(
  'SIGINT in the middle of a cut leaves no rule behind and changes no connection',
  { skip },
  () =>
    withLab({}, async (lab) => {
      const conns = await lab.tcpConnections({ from: lab.client, to: lab.server, count: 3 });
      // both ends go deaf to the router, so the cut waits for answers that never come
      for (const h of [lab.client, lab.server])
        await h.nft(
          `table inet deaf {\n  chain in {\n    type filter hook input priority -400;\n    tcp sport ${conns.port} drop\n    tcp dport ${conns.port} drop\n  }\n}\n`,
        );
      const child = lab.router.spawnTool(
        'cutter',
        ['--yes', '--json', '--timeout', '20000', lab.client.ipv4],
        { source: true },
      );
      const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
      const t0 = Date.now();
      while (!(await leftovers(lab)) && Date.now() - t0 < 15_000)
        await new Promise((r) => setTimeout(r, 50));
      assert.match(await leftovers(lab), /p2pwall_cutter/, 'rules were installed');
      process.kill(-child.pid!, 'SIGINT');
      const code = await exited;
      assert.equal(code, 130);
      assert.equal(await leftovers(lab), '');
      for (const h of [lab.client, lab.server]) await h.nft(['delete', 'table', 'inet', 'deaf']);
      assert.equal(conns.counts().client.open, 3);
      assert.equal(conns.counts().server.open, 3);
    }),
);

test(
  '--list shows matches and changes nothing; nothing matched exits 2; bad arguments exit 3',
  { skip },
  () =>
    withLab({}, async (lab) => {
      const conns = await lab.tcpConnections({ from: lab.client, to: lab.server, count: 2 });
      const list = await cutter(lab.router, ['--list', '--json', '--port', String(conns.port)]);
      assert.equal(list.code, 0, list.stderr);
      assert.equal(list.results.length, 2);
      assert.deepEqual(Object.keys(list.results[0]).slice(0, 8), [
        'schema',
        'time',
        'proto',
        'family',
        'state',
        'original',
        'reply',
        'nat',
      ]);
      assert.equal(list.results[0].result, undefined);
      assert.equal(list.results[0].schema, 1);
      assert.match(list.results[0].time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      const none = await cutter(lab.router, ['--yes', '203.0.113.99']);
      assert.equal(none.code, 2);
      assert.match(none.stderr, /^cutter: no connection matches 203\.0\.113\.99, IPv4\n$/);
      const bad = await cutter(lab.router, ['--yes', '192.0.2.300']);
      assert.equal(bad.code, 3);
      assert.match(
        bad.stderr,
        /^cutter: not an IP address or CIDR prefix: "192\.0\.2\.300" \(see cutter --help\)\n$/,
      );
      const noYes = await lab.router.exec([...toolArgv('cutter', true), lab.client.ipv4], {
        allowFail: true,
        input: '',
      });
      assert.equal(noYes.code, 3);
      assert.match(
        noYes.stderr,
        /refusing to cut 2 connections without --yes \(stdin is not a terminal\)/,
      );
      assert.equal(conns.counts().client.open, 2);
    }),
);

test(
  'missing privileges: one line naming the capability, exit 4, nothing touched',
  { skip: skip || privilegedSkip(['setpriv']) },
  () =>
    withLab({}, async (lab) => {
      const conns = await lab.tcpConnections({ from: lab.client, to: lab.server });
      const base = toolArgv('cutter', true);
      const nobody = await lab.router.exec(
        [
          'setpriv',
          '--reuid=nobody',
          '--regid=nogroup',
          '--clear-groups',
          '--inh-caps=-all',
          ...base,
          '--yes',
          lab.client.ipv4,
        ],
        { allowFail: true },
      );
      assert.equal(nobody.code, 4);
      assert.equal(
        nobody.stderr,
        'cutter: needs CAP_NET_ADMIN and CAP_NET_RAW (missing CAP_NET_ADMIN, CAP_NET_RAW): run as root, or grant the capabilities (e.g. setcap cap_net_admin,cap_net_raw+ep on node)\n',
      );
      // root without CAP_NET_RAW: listing works, cutting is refused
      const noRaw = ['setpriv', '--inh-caps=-net_raw', '--bounding-set=-net_raw', ...base];
      const list = await lab.router.exec([...noRaw, '--list', lab.client.ipv4], {
        allowFail: true,
      });
      assert.equal(list.code, 0, list.stderr);
      const cut = await lab.router.exec([...noRaw, '--yes', lab.client.ipv4], { allowFail: true });
      assert.equal(cut.code, 4);
      assert.match(
        cut.stderr,
        /^cutter: needs CAP_NET_ADMIN and CAP_NET_RAW \(missing CAP_NET_RAW\)/,
      );
      assert.equal(conns.counts().client.open, 1);
      assert.equal(await leftovers(lab), '');
    }),
);
