// DNS training end to end, as root, in a lab of its own (a client, the router, a server): dnsmasq
// on the server answers the client's queries through the router, where the rules of
// `rope rules --iptables --dns-train --install` queue DNS answers to `rope run --dns-train FILE`
// (iptables' NFQUEUE: this kernel may lack nft's queue statement). The addresses the names stand
// for are extra addresses of the server, where a listener accepts TCP on every address.
//
//   pattern     `(^|\.)tracker\.example\.org$`: the answer for tracker.example.org (A and AAAA,
//               TTL 900) arrives, and then its addresses refuse new connections while the
//               unrelated name's address does not; a name whose CNAME target matches is blocked
//               too (dnsmasq's local TTL 0: the block lasts the minimum, 300 s), and one
//               answered over TCP;
//   ctl         `rope ctl list --json` shows them (label dns-train); `rope ctl ban-dns NAME` at
//               run time blocks the next answer for NAME the same way;
//   rope top    in tmux, shows the learned peers;
//   cleanup     stop, `rope rules --remove`: no rule, chain or set left; the lab leaves nothing.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { createLab, type Lab } from '../../tools/lab/topology.js';
import type { LabHost } from '../../tools/lab/host.js';
import { leftoversAfter } from '../lab/leftovers.js';
import { privilegedSkip } from '../support/environment.js';
import { RopeRun } from '../rope-run/harness.js';
import {
  connects,
  ctl,
  inSet,
  listed,
  literal,
  ruleLeftovers,
  topShows,
  until,
  type CtlEntry,
} from './support.js';
import {
  resolve,
  resolveOverTcp,
  startDnsmasq,
  startListener,
  type DnsRecord,
} from './dns-support.js';

const skip = privilegedSkip(['ip', 'iptables', 'ip6tables', 'ipset', 'python3', 'dnsmasq', 'tmux']);
const PORT = 8080;
const PATTERN = '(^|\\.)tracker\\.example\\.org$';
/** What each name stands for: extra addresses of the server (its own one serves DNS). */
const ADDR = {
  tracker4: '198.51.100.50',
  tracker6: '2001:db8:2::50',
  edge: '198.51.100.51',
  www: '198.51.100.52',
  mirror: '198.51.100.53',
  dl: '198.51.100.54',
};
const TRACKER_TTL = 900;
const RECORDS: DnsRecord[] = [
  { name: 'tracker.example.org', ipv4: ADDR.tracker4, ipv6: ADDR.tracker6, ttl: TRACKER_TTL },
  // files.example.net → edge.tracker.example.org: only the CNAME's target matches the pattern
  { name: 'edge.tracker.example.org', ipv4: ADDR.edge },
  { name: 'files.example.net', cname: 'edge.tracker.example.org' },
  { name: 'www.example.net', ipv4: ADDR.www },
  { name: 'dl.tracker.example.org', ipv4: ADDR.dl },
  { name: 'mirror.example.com', ipv4: ADDR.mirror },
];

let lab: Lab;
let client: LabHost;
let router: LabHost;
let dns: string;
const started: ChildProcess[] = [];

const rules = (action: '--install' | '--remove') =>
  router.rope(['rules', '--iptables', '--dns-train', action], { source: true });

/** The blocks `rope ctl list --json` shows, by address. */
async function blocks(sock: string): Promise<Map<string, CtlEntry>> {
  const all = await listed(router, sock);
  return new Map(all.filter((e) => e.kind === 'block').map((e) => [e.address, e]));
}

before(async () => {
  if (skip) return;
  lab = await createLab({ clients: 1, servers: 1 });
  client = lab.client;
  router = lab.router;
  const server = lab.server;
  dns = server.ipv4;
  for (const a of Object.values(ADDR)) {
    const extra = a.includes(':')
      ? [`${a}/64`, 'dev', server.iface, 'nodad']
      : [`${a}/24`, 'dev', server.iface];
    await server.exec(['ip', 'addr', 'add', ...extra]);
  }
  started.push(await startDnsmasq(server, RECORDS, lab.workDir));
  started.push(await startListener(server, PORT));
  const installed = await rules('--install');
  assert.match(installed.stdout, /installed iptables and ip6tables chains rope-\*/);
});

after(async () => {
  for (const c of started) c.kill('SIGTERM');
  if (lab) await lab.destroy();
});

test(
  'DNS training (root): answers for names matching a pattern arrive, and their addresses then refuse new connections',
  { skip },
  async () => {
    const patterns = join(lab.workDir, 'patterns');
    writeFileSync(patterns, `# the tracker and every name below it\n${PATTERN}\n`);
    const sock = join(lab.workDir, 'rope.sock');
    for (const a of Object.values(ADDR))
      assert.ok(await connects(client, a, PORT), `${a} is reachable before any answer`);
    const run = await RopeRun.start(router, [
      ...['--queue', '0', '--script', 'gnutella', '--on-match', 'drop'],
      ...['--dns-train', patterns, '--control', sock, '--log'],
    ]);
    try {
      // the answers arrive whole: rope run lets every queued DNS answer through
      assert.deepEqual(
        (await resolve(client, dns, 'tracker.example.org')).map((r) => [r.address, r.ttl]),
        [[ADDR.tracker4, TRACKER_TTL]],
      );
      assert.deepEqual(
        (await resolve(client, dns, 'tracker.example.org', 'AAAA')).map((r) => r.address),
        [ADDR.tracker6],
      );
      assert.deepEqual(
        (await resolve(client, dns, 'www.example.net')).map((r) => r.address),
        [ADDR.www],
      );
      await until(
        "the tracker's addresses reach the kernel sets",
        async () =>
          (await inSet(router, 'rope-blocked4', ADDR.tracker4)) &&
          (await inSet(router, 'rope-blocked6', ADDR.tracker6)),
      );
      assert.equal(
        await connects(client, ADDR.tracker4, PORT),
        false,
        'the tracker (IPv4) is refused',
      );
      assert.equal(
        await connects(client, ADDR.tracker6, PORT),
        false,
        'the tracker (IPv6) is refused',
      );
      assert.ok(await connects(client, ADDR.www, PORT), "the unrelated name's address works");
      assert.equal(await inSet(router, 'rope-blocked4', ADDR.www), false);

      // the question does not match, the CNAME's target does
      assert.deepEqual(
        (await resolve(client, dns, 'files.example.net')).map((r) => r.address),
        [ADDR.edge],
      );
      await until("the CNAME target's address reaches the kernel set", () =>
        inSet(router, 'rope-blocked4', ADDR.edge),
      );
      assert.equal(await connects(client, ADDR.edge, PORT), false, 'the CNAME target is refused');

      // an answer over TCP (its two-byte length first)
      const overTcp = await resolveOverTcp(client, dns, 'dl.tracker.example.org');
      assert.ok(overTcp.includes(Buffer.from(ADDR.dl.split('.').map(Number))), 'the TCP answer');
      await until("the TCP answer's address reaches the kernel set", () =>
        inSet(router, 'rope-blocked4', ADDR.dl),
      );
      assert.equal(await connects(client, ADDR.dl, PORT), false, 'learned over TCP: refused');

      const listedBlocks = await blocks(sock);
      assert.deepEqual(
        [...listedBlocks.values()].map((e) => [e.address, e.port, e.label]).sort(),
        [
          [ADDR.dl, null, 'dns-train'],
          [ADDR.edge, null, 'dns-train'],
          [ADDR.tracker4, null, 'dns-train'],
          [ADDR.tracker6, null, 'dns-train'],
        ].sort(),
      );
      // max(TTL, 300): the tracker's TTL of 900 s, the CNAME target's 0 raised to 300 s
      for (const a of [ADDR.tracker4, ADDR.tracker6]) {
        const left = listedBlocks.get(a)!.secondsLeft!;
        assert.ok(left > 300 && left <= TRACKER_TTL, `${a}: ${left} s left`);
      }
      const edgeLeft = listedBlocks.get(ADDR.edge)!.secondsLeft!;
      assert.ok(edgeLeft > 240 && edgeLeft <= 300, `the CNAME target: ${edgeLeft} s left`);
      // … as the events (--log --stats-json) say exactly
      const seconds = (peer: string) =>
        run.events.find((e) => e.event === 'block' && e.label === 'dns-train' && e.peer === peer)
          ?.seconds;
      assert.deepEqual([ADDR.tracker4, ADDR.tracker6, ADDR.edge, ADDR.dl].map(seconds), [
        TRACKER_TTL,
        TRACKER_TTL,
        300,
        300,
      ]);

      // a name banned at run time: its next answer blocks its address
      assert.deepEqual(
        (await resolve(client, dns, 'mirror.example.com')).map((r) => r.address),
        [ADDR.mirror],
      );
      assert.ok(await connects(client, ADDR.mirror, PORT), 'mirror is reachable before the ban');
      const banned = await ctl(router, sock, ['ban-dns', 'mirror.example.com']);
      assert.equal(banned.code, 0, banned.stderr);
      await until('the ban reaches the DNS training, and the next answer the kernel', async () => {
        await resolve(client, dns, 'mirror.example.com');
        return inSet(router, 'rope-blocked4', ADDR.mirror);
      });
      assert.equal(await connects(client, ADDR.mirror, PORT), false, 'the banned name is refused');
      assert.ok(await connects(client, ADDR.www, PORT), "the unrelated name's address still works");
      const mirror = (await blocks(sock)).get(ADDR.mirror);
      assert.deepEqual([mirror?.port, mirror?.label], [null, 'dns-train']);
      assert.ok(mirror!.secondsLeft! > 240, `mirror: ${mirror!.secondsLeft} s left`);
      const list = await ctl(router, sock, ['list']);
      assert.match(list.stdout, /banned DNS names: mirror\.example\.com/);

      // rope top in tmux shows the learned peers
      const row = new RegExp(`blocked +${literal(ADDR.mirror)} +dns-train +\\d+m\\d\\ds`);
      await topShows(router, sock, row, "the banned name's address");

      const stopped = await run.stop();
      assert.equal(stopped.code, 0, run.stderr());
    } finally {
      await run.stop();
    }
    // stopping leaves the sets to time out: the kernel keeps refusing
    assert.equal(await connects(client, ADDR.tracker4, PORT), false, 'still refused after stop');

    const removed = await rules('--remove');
    assert.equal(removed.code, 0, removed.stderr);
    assert.deepEqual(await ruleLeftovers(router), [], 'no rule, chain, set or table is left');
    assert.ok(await connects(client, ADDR.tracker4, PORT), 'the tracker is reachable again');
    assert.ok(await connects(client, ADDR.tracker6, PORT), '… over IPv6 too');
  },
);

test('DNS training (root): the lab leaves nothing behind', { skip }, async () => {
  const pids = [...started.map((c) => c.pid!), ...lab.processes.pids()];
  await lab.destroy();
  assert.deepEqual(await leftoversAfter(lab.id, pids), []);
});
