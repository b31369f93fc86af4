// NFLOG and raw injection against the real kernel: two namespaces joined by a veth pair; one sends
// forged TCP packets (IPv4 and IPv6, spoofed source, SO_MARK) from a raw socket, the other copies
// what arrives to user space with an NFLOG rule.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { buildTcpPacket, TCP_ACK, TCP_RST } from '@p2pwall/core';
import { createNamespace, execIn, removeNamespace, run, runId } from '../../tools/lab/netns.js';
import { privilegedSkip, repoRoot } from '../support/environment.js';
import { background, helperArgv, op } from './support.js';

const skip = privilegedSkip(['ip', 'nft']);
let a = '';
let b = '';

before(() => {
  if (skip) return;
  const id = runId();
  a = createNamespace(id, 'inja');
  b = createNamespace(id, 'injb');
  run(['ip', '-n', a, 'link', 'add', 'v0', 'type', 'veth', 'peer', 'name', 'v1', 'netns', b]);
  for (const [ns, dev, v4, v6] of [
    [a, 'v0', '192.0.2.1/24', '2001:db8:9::1/64'],
    [b, 'v1', '192.0.2.2/24', '2001:db8:9::2/64'],
  ]) {
    run(['ip', '-n', ns, 'addr', 'add', v4, 'dev', dev]);
    run(['ip', '-n', ns, 'addr', 'add', v6, 'dev', dev, 'nodad']);
    run(['ip', '-n', ns, 'link', 'set', dev, 'up']);
  }
  execIn(b, ['nft', '-f', '-'], {
    input:
      'table inet t {\n  chain in {\n    type filter hook prerouting priority -300;\n    tcp dport 9 log prefix "cut " group 321 snaplen 120 queue-threshold 1\n  }\n}\n',
  });
  execIn(a, ['nft', '-f', '-'], {
    input:
      'table inet t {\n  chain out {\n    type filter hook output priority -300;\n    meta mark 0x63757474 tcp dport 9 counter\n  }\n}\n',
  });
});

after(() => {
  for (const ns of [a, b]) if (ns) removeNamespace(ns);
});

test(
  'forged IPv4 and IPv6 packets leave with the mark and arrive as built, checksums valid',
  { skip },
  async () => {
    const { result } = await background(b, { op: 'nflog', group: 321, count: 3, ms: 60_000 });
    const packets = [
      buildTcpPacket({
        src: '198.51.100.77',
        dst: '192.0.2.2',
        srcPort: 4444,
        dstPort: 9,
        seq: 123456,
        ack: 654321,
        flags: TCP_RST | TCP_ACK,
        window: 0,
      }),
      buildTcpPacket({
        src: '192.0.2.1',
        dst: '192.0.2.2',
        srcPort: 4445,
        dstPort: 9,
        seq: 1,
        ack: 2,
        flags: TCP_ACK,
        payload: Uint8Array.of(0),
      }),
    ];
    assert.equal(
      op(a, {
        op: 'inject',
        family: 4,
        mark: 0x63757474,
        dst: '192.0.2.2',
        packets: packets.map((p) => Buffer.from(p).toString('hex')),
      }),
      2,
    );
    const v6 = buildTcpPacket({
      src: '2001:db8:7::7',
      dst: '2001:db8:9::2',
      srcPort: 4446,
      dstPort: 9,
      seq: 5,
      ack: 6,
      flags: TCP_RST | TCP_ACK,
    });
    assert.equal(
      op(a, {
        op: 'inject',
        family: 6,
        mark: 0x63757474,
        dst: '2001:db8:9::2',
        packets: [Buffer.from(v6).toString('hex')],
      }),
      1,
    );
    const seen: any[] = await result;
    assert.deepEqual(
      seen.map((p) => [p.version, p.srcPort, p.tcpFlags, p.checksumOk, p.prefix, p.hook]),
      [
        [4, 4444, TCP_RST | TCP_ACK, true, 'cut ', 0],
        [4, 4445, TCP_ACK, true, 'cut ', 0],
        [6, 4446, TCP_RST | TCP_ACK, true, 'cut ', 0],
      ],
    );
    assert.ok(seen.every((p) => p.indev > 0 && p.timestampMs > 1.6e12));
    const counter = execIn(a, ['nft', 'list', 'chain', 'inet', 't', 'out']).stdout;
    assert.match(counter, /packets 3 /, 'all three carried SO_MARK');
  },
);

test(
  'without CAP_NET_RAW opening the raw socket fails with one line naming it',
  { skip: skip || privilegedSkip(['setpriv']) },
  () => {
    const r = execIn(
      a,
      [
        'setpriv',
        '--reuid=nobody',
        '--regid=nogroup',
        '--clear-groups',
        '--inh-caps=-all',
        ...helperArgv({ op: 'inject', family: 4, dst: '192.0.2.2', packets: [] }),
      ],
      { allowFail: true, cwd: repoRoot },
    );
    assert.notEqual(r.code, 0);
    assert.match(r.stdout, /opening a raw IPv4 socket: needs CAP_NET_RAW/);
  },
);
