// The cut counters (cut-tally-io.ts) around FlowCut, without a kernel: an io that records what it
// is asked and warns as KernelCutIo may; and the main thread's RST sender (rst-sender.ts), which
// counts the RSTs it could not send, over fake raw sockets.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildTcpPacket, buildUdpPacket, Packet, TCP_ACK, TCP_PSH } from '@p2pwall/core';
import { CutTallyIo } from './cut-tally-io.js';
import type { EnforcementEvent, PeerBlocker } from './enforcement.js';
import { FlowCut, type CutIo, type HeldConntrack } from './flow-cut.js';
import { RstSender } from './rst-sender.js';

interface Fake {
  tally: CutTallyIo;
  cut: FlowCut;
  events: EnforcementEvent[];
  blocked: number[];
  warnings: string[];
  /** A warning from the io (a conntrack failure, say). */
  warn(key: string): void;
}

function fake(withLookup: HeldConntrack | null | undefined = undefined): Fake {
  const events: EnforcementEvent[] = [];
  const blocked: number[] = [];
  const warnings: string[] = [];
  let warnIo: (key: string, m: string) => void = () => {};
  const blocker: PeerBlocker = { blockPeer: (_a, port) => void blocked.push(port ?? 0) };
  const tally = CutTallyIo.around(
    blocker,
    (e) => events.push(e),
    (key) => warnings.push(key),
    (b, onEvent, warn): CutIo => {
      warnIo = warn;
      return {
        blocker: b,
        inject: () => {},
        deleteEntry: () => {},
        onEvent,
        ...(withLookup !== undefined ? { lookup: async () => withLookup } : {}),
      };
    },
  );
  return {
    tally,
    cut: new FlowCut(tally, 60),
    events,
    blocked,
    warnings,
    warn: (key) => warnIo(key, `cut: ${key}`),
  };
}

function tcp(flags: number): Packet {
  const b = buildTcpPacket({
    src: '192.0.2.10',
    dst: '198.51.100.10',
    srcPort: 40000,
    dstPort: 6881,
    seq: 1000,
    ack: 2000,
    flags,
    payload: 'x',
  });
  const p = new Packet();
  assert.ok(p.decode(b, 0, b.length));
  return p;
}

function udp(): Packet {
  const b = buildUdpPacket({
    src: '192.0.2.10',
    dst: '198.51.100.10',
    srcPort: 5000,
    dstPort: 6881,
    payload: 'x',
  });
  const p = new Packet();
  assert.ok(p.decode(b, 0, b.length));
  return p;
}

const tick = () => new Promise<void>((r) => setImmediate(r));

test('cut tally: a TCP cut with both RSTs is tcpReset; a UDP cut is udpBlocked; the events pass on', async () => {
  const f = fake();
  f.cut.cut(tcp(TCP_ACK | TCP_PSH), true, null, 'bt', true);
  f.cut.cut(udp(), true, null, 'bt', true);
  await tick();
  assert.deepEqual(f.tally.counts, {
    tcpReset: 1,
    tcpFailed: 0,
    udpBlocked: 1,
    udpFailed: 0,
    other: 0,
    sendErrors: 0,
  });
  assert.deepEqual(
    f.events.map((e) => e.kind),
    ['cut', 'cut'],
  );
  assert.deepEqual(f.blocked, [6881], 'the UDP block reaches the real blocker');
});

test('cut tally: later cuts of a flow (no event) are not counted and do not leak into the next cut', async () => {
  const f = fake();
  f.cut.cut(tcp(TCP_ACK), true, null, 'bt', true);
  f.cut.cut(tcp(TCP_ACK), true, null, 'bt', false);
  f.cut.cut(tcp(TCP_ACK), true, null, 'bt', false);
  // in the same turn (one batch of packets): a UDP cut, and a SYN's cut, which sends no RST
  f.cut.cut(udp(), true, null, 'bt', true);
  f.cut.cut(tcp(TCP_ACK), true, null, 'bt', false);
  f.cut.cut(tcp(0x02), true, null, 'bt', true);
  await tick();
  assert.equal(f.tally.counts.tcpReset, 1);
  assert.equal(f.tally.counts.udpBlocked, 1);
  assert.equal(f.tally.counts.tcpFailed, 1, 'a SYN gives no RST: the cut failed');
  assert.equal(f.events.length, 3);
});

test("cut tally: the io's warnings reach the log as they are", () => {
  const f = fake();
  f.cut.cut(tcp(TCP_ACK), true, null, 'bt', true);
  f.warn('cut:conntrack');
  assert.equal(f.tally.counts.tcpReset, 1);
  assert.deepEqual(f.warnings, ['cut:conntrack']);
});

test('RST sender: a raw socket that will not open or a refused send is a send error, said once each', async () => {
  const warnings: string[] = [];
  let opens = 0;
  const refuse = new RstSender(
    (key) => warnings.push(key),
    () => {
      opens++;
      throw new Error('raw socket: EPERM (needs CAP_NET_RAW)');
    },
  );
  refuse.send(new Uint8Array(40), '192.0.2.10', 4);
  refuse.send(new Uint8Array(40), '198.51.100.10', 4);
  assert.equal(refuse.sendErrors, 2);
  assert.equal(opens, 2, 'each RST tries again: a capability granted later takes effect');
  const sent: string[] = [];
  const flaky = new RstSender(
    (key) => warnings.push(key),
    () => ({
      send: async (_p: Buffer, dst: string) => {
        sent.push(dst);
        if (dst === '198.51.100.10') throw new Error('EPERM');
      },
      close: () => {},
    }),
  );
  flaky.send(new Uint8Array(40), '192.0.2.10', 4);
  flaky.send(new Uint8Array(40), '198.51.100.10', 4);
  await tick();
  assert.deepEqual(sent, ['192.0.2.10', '198.51.100.10']);
  assert.equal(flaky.sendErrors, 1);
  assert.deepEqual(warnings, ['cut:open4', 'cut:open4', 'cut:send']);
  flaky.close();
  flaky.send(new Uint8Array(40), '192.0.2.10', 4);
  assert.equal(sent.length, 2, 'nothing is sent once closed');
});

test('cut tally: a cut finished after a conntrack lookup (a later microtask) is counted the same', async () => {
  const held: HeldConntrack = {
    orig: { src: '192.0.2.10', dst: '198.51.100.10', proto: 17, srcPort: 5000, dstPort: 6881 },
    reply: { src: '198.51.100.10', dst: '192.0.2.10', proto: 17, srcPort: 6881, dstPort: 5000 },
    id: 9,
    zone: 0,
    replyDirection: false,
  };
  const f = fake(held);
  f.cut.cut(udp(), true, null, 'bt', true);
  assert.equal(f.events.length, 0, 'not yet: the lookup is pending');
  await tick();
  assert.equal(f.tally.counts.udpBlocked, 1);
  // without a conntrack entry and without ports a cut is "other"
  const g = fake(null);
  const icmp = Buffer.from(
    '450000200001000040010000c000020ac6336410080000000000000000000000',
    'hex',
  );
  const p = new Packet();
  assert.ok(p.decode(icmp, 0, icmp.length));
  g.cut.cut(p, true, null, 'x', true);
  await tick();
  assert.equal(g.tally.counts.other, 1);
});
