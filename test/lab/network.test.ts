// The lab network itself, as root in namespaces it creates: reachability over IPv4 and IPv6
// through the router, conntrack active with an empty test ruleset, both firewall backends, NAT
// modes, endpoints dropping invalid packets, option checks and capture. lifetime.test.ts checks
// that labs stay apart and that nothing survives teardown.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { forEachPacket, openCapture } from '@p2pwall/core/pcap';
import { Packet } from '@p2pwall/core';
import { createLab, withLab } from '../../tools/lab/topology.js';
import { privilegedSkip } from '../support/environment.js';

const skip = privilegedSkip(['ip', 'nft', 'iptables', 'conntrack', 'ping', 'tcpdump', 'curl']);

test(
  'every client reaches every server over IPv4 and IPv6, routed by the router with conntrack on',
  { skip },
  async () => {
    await withLab({ clients: 2, servers: 2 }, async (lab) => {
      assert.equal(lab.hosts.length, 5);
      for (const c of lab.clients) {
        for (const s of lab.servers) {
          assert.ok(await c.ping(s.ipv4), `${c.name} → ${s.name} IPv4`);
          assert.ok(await c.ping(s.ipv6), `${c.name} → ${s.name} IPv6`);
        }
      }
      // Routed, not bridged: the router decremented the TTL (64 → 63).
      const trace = await lab.client.exec(['ping', '-n', '-c', '1', lab.server.ipv4]);
      assert.match(trace.stdout, /ttl=63/);
      const sysctl = await lab.router.exec([
        'sysctl',
        '-n',
        'net.ipv4.ip_forward',
        'net.ipv6.conf.all.forwarding',
      ]);
      assert.deepEqual(sysctl.stdout.trim().split('\n'), ['1', '1']);
      // Conntrack saw the pings although the test's ruleset is empty.
      const entries = await lab.router.conntrackEntries();
      assert.ok(
        entries.some(
          (e) =>
            e.proto === 'icmp' &&
            e.original.src === lab.client.ipv4 &&
            e.original.dst === lab.server.ipv4,
        ),
      );
      assert.ok(entries.some((e) => e.proto === 'icmpv6' && e.original.src === lab.client.ipv6));
      const ruleset = (await lab.router.nft(['list', 'ruleset'])).stdout;
      assert.match(ruleset, /table inet p2pw_lab/);
      assert.doesNotMatch(ruleset, /masquerade|dnat/);
      // Names carry the run id; interface names fit IFNAMSIZ.
      for (const h of lab.hosts) assert.ok(h.ns.startsWith(`p2pw-${lab.id}-`));
      const links = await lab.router.exec(['ip', '-o', 'link', 'show']);
      for (const name of links.stdout.matchAll(/^\d+: ([^:@]+)/gm))
        assert.ok(name[1].length <= 15, name[1]);
      assert.match(links.stdout, /lan0-c1.*master lan0/);
    });
  },
);

test(
  'masquerade: servers see the router’s server-side address, IPv4 and IPv6, and cannot reach the LAN',
  { skip },
  async () => {
    await withLab({ nat: 'masquerade' }, async (lab) => {
      for (const family of [4, 6] as const) {
        const conns = await lab.tcpConnections({
          from: lab.client,
          to: lab.server,
          count: 2,
          family,
        });
        for (const c of conns) {
          const s = c.status();
          assert.equal(s.server.remote?.address, lab.router.wan[family === 4 ? 'ipv4' : 'ipv6']);
          assert.equal(s.client.local?.address, lab.client.address(family));
        }
        assert.equal(
          lab.seenAs(lab.client, family),
          lab.router.wan[family === 4 ? 'ipv4' : 'ipv6'],
        );
        await conns.stop();
      }
      const nat = (await lab.router.conntrackEntries(4)).find((e) => e.proto === 'tcp');
      assert.ok(nat, 'a tracked TCP flow');
      assert.equal(
        nat.reply.dst,
        lab.router.wan.ipv4,
        'reply tuple addressed to the router: source NAT',
      );
      assert.equal(
        await lab.server.ping(lab.client.ipv4),
        false,
        'no route from the server side into the LAN',
      );
    });
  },
);

test(
  'dnat: the public service address on the router forwards to the first server (IPv4 and IPv6)',
  { skip },
  async () => {
    await withLab({ nat: 'dnat' }, async (lab) => {
      assert.ok(lab.router.service);
      assert.equal(lab.reach(lab.server, 4), '203.0.113.1');
      assert.equal(lab.reach(lab.server, 6), '2001:db8:3::1');
      for (const family of [4, 6] as const) {
        const conns = await lab.tcpConnections({
          from: lab.client,
          to: lab.server,
          count: 1,
          family,
        });
        const s = conns.get(0).status();
        assert.equal(
          s.client.remote?.address,
          lab.router.service[family === 4 ? 'ipv4' : 'ipv6'],
          'client talks to the service address',
        );
        assert.equal(
          s.server.remote?.address,
          lab.client.address(family),
          'server sees the real client',
        );
        await conns.stop();
      }
      const e = (await lab.router.conntrackEntries(4)).find((x) => x.proto === 'tcp');
      assert.equal(e?.original.dst, '203.0.113.1');
      assert.equal(
        e?.reply.src,
        lab.server.ipv4,
        'reply tuple comes from the server: destination NAT',
      );
    });
  },
);

test(
  'iptables backend: the lab’s own rules are tagged iptables rules, NAT works through them',
  { skip },
  async () => {
    await withLab(
      {
        firewall: 'iptables',
        nat: 'masquerade',
        endpointsDropInvalid: true,
        conntrackAccounting: true,
      },
      async (lab) => {
        const v4 = (await lab.router.iptables(['-t', 'nat', '-S'])).stdout;
        const v6 = (await lab.router.ip6tables(['-t', 'nat', '-S'])).stdout;
        assert.match(v4, /-A POSTROUTING -s 192\.0\.2\.0\/24 -o wan0 .*p2pw-lab.* -j MASQUERADE/);
        assert.match(v6, /-A POSTROUTING -s 2001:db8:1::\/64 -o wan0 .*p2pw-lab.* -j MASQUERADE/);
        assert.match(
          (await lab.server.iptables(['-S', 'INPUT'])).stdout,
          /--ctstate INVALID .*-j DROP/,
        );
        assert.doesNotMatch(
          (await lab.router.nft(['list', 'ruleset'])).stdout,
          /table inet p2pw_lab/,
        );
        const conns = await lab.tcpConnections({
          from: lab.client,
          to: lab.server,
          count: 1,
          busy: true,
        });
        assert.equal(conns.get(0).status().server.remote?.address, lab.router.wan.ipv4);
        await conns.stop();
        // Accounting on: the flow's entry carries byte counters.
        const acct = (
          await lab.router.exec(['sysctl', '-n', 'net.netfilter.nf_conntrack_acct'])
        ).stdout.trim();
        assert.equal(acct, '1');
        const e = (await lab.router.conntrackEntries(4)).find((x) => x.proto === 'tcp');
        assert.ok((e?.reply.bytes ?? 0) > 0, 'byte counters present');
      },
    );
  },
);

test(
  'endpoints drop invalid packets when asked (nft), and normal traffic still flows',
  { skip },
  async () => {
    await withLab({ endpointsDropInvalid: true }, async (lab) => {
      for (const h of [lab.client, lab.server]) {
        assert.match(
          (await h.nft(['list', 'table', 'inet', 'p2pw_lab'])).stdout,
          /ct state invalid counter packets \d+ bytes \d+ drop/,
        );
      }
      // A bare FIN out of nowhere is invalid for conntrack: the server's drop counter shows it.
      const sendFin = [
        'import socket, struct',
        's = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_TCP)',
        `tcp = struct.pack('!HHIIBBHHH', 40000, 9, 1, 0, 5 << 4, 0x01, 1024, 0, 0)`,
        `s.sendto(tcp, ('${lab.server.ipv4}', 0))`,
      ].join('\n');
      await lab.client.exec(['python3', '-c', sendFin]);
      const counted = (await lab.server.nft(['list', 'table', 'inet', 'p2pw_lab'])).stdout;
      assert.match(counted, /ct state invalid counter packets [1-9]\d* bytes \d+ drop/);
      const conns = await lab.tcpConnections({ from: lab.client, to: lab.server, count: 3 });
      assert.equal(conns.counts().server.open, 3);
    });
  },
);

test(
  'options are checked: a bad value is a RangeError naming the option; a missing qdisc names the kernel option',
  { skip },
  async () => {
    await assert.rejects(createLab({ clients: 0 }), /lab option clients: 0/);
    await assert.rejects(createLab({ nat: 'full-cone' as never }), /lab option nat/);
    // netem is optional in kernels: either the delay is there, or the error says what is missing.
    try {
      await withLab({ delayMs: 20 }, async (lab) => {
        const rtt = await lab.client.exec(['ping', '-n', '-c', '1', lab.server.ipv4]);
        const ms = Number(/time=([\d.]+)/.exec(rtt.stdout)?.[1]);
        assert.ok(ms >= 40, `RTT ${ms} ms with 20 ms each way`);
      });
    } catch (e) {
      assert.match(String(e), /no netem qdisc \(CONFIG_NET_SCH_NETEM\)/);
    }
    await withLab({ rateMbit: 50 }, async (lab) => {
      assert.match(
        (await lab.client.exec(['tc', 'qdisc', 'show', 'dev', 'eth0'])).stdout,
        /tbf .*rate 50Mbit/,
      );
    });
  },
);

test(
  'capture: tcpdump on the router writes a pcap that core reads back, with the traffic in it',
  { skip },
  async () => {
    await withLab({}, async (lab) => {
      const file = join(lab.workDir, 'wan.pcap');
      const cap = await lab.capture(lab.router, lab.router.wanIface, file, 'tcp');
      const conns = await lab.tcpConnections({ from: lab.client, to: lab.server, count: 4 });
      await conns.stop();
      const r = await cap.stop();
      assert.ok(r.captured >= 4 * 3, `captured ${r.captured}`);
      const reader = openCapture(file);
      let syns = 0;
      forEachPacket(reader, new Packet(), (_rec, p, isIp) => {
        if (isIp && p.hasPorts && p.dstPort === conns.port && (p.tcpFlags & 0x12) === 0x02) syns++;
      });
      reader.close();
      assert.equal(syns, 4, 'one SYN per connection crossed wan0');
    });
  },
);
