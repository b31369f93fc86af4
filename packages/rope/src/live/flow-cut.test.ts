// `--on-match cut` without a kernel: the Decider hands the held packet to FlowCut, whose io
// records the RSTs, deletions and blocks instead of sending them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  buildTcpPacket,
  buildUdpPacket,
  formatIp,
  Packet,
  TCP_ACK,
  TCP_RST,
  transportChecksumValid,
} from '@p2pwall/core';
import {
  encodeNfqPacket,
  IP_CT_ESTABLISHED,
  IP_CT_ESTABLISHED_REPLY,
  KEEP_MARK,
  NF_ACCEPT,
  NF_DROP,
  NfqPacket,
  NlMsgView,
  type ConntrackEntry,
  type EntryKey,
  type NfqDecision,
} from '@p2pwall/core/netlink';
import { compile } from '../compile/compile.js';
import { Decider } from './decider.js';
import type { EnforcementEvent } from './enforcement.js';
import { FlowCut, heldConntrack, type CutIo } from './flow-cut.js';

const { script } = compile('"\\x13BitTorrent protocol" expect_str yes', 'bt.rope');
assert.ok(script);
const HANDSHAKE = '\x13BitTorrent protocol' + '\0'.repeat(48);

interface Recorded {
  rsts: { src: string; sport: number; dst: string; dport: number; seq: number; ack: number }[];
  deleted: EntryKey[];
  blocked: [string, number | null, number, string][];
  events: EnforcementEvent[];
}

function fakeIo(): CutIo & Recorded & { lookup?: CutIo['lookup'] } {
  const r: Recorded = { rsts: [], deleted: [], blocked: [], events: [] };
  return {
    ...r,
    inject(packet, dst, family) {
      const p = new Packet();
      assert.ok(p.decode(packet, 0, packet.length));
      assert.equal(p.version, family);
      assert.equal(formatIp(p.buf, p.dstOffset, p.addrLength), dst);
      assert.equal(p.tcpFlags, TCP_RST | TCP_ACK);
      assert.ok(transportChecksumValid(packet, 0));
      r.rsts.push({
        src: formatIp(p.buf, p.srcOffset, p.addrLength),
        sport: p.srcPort,
        dst,
        dport: p.dstPort,
        seq: p.tcp.seq,
        ack: p.tcp.ack,
      });
    },
    deleteEntry: (k) => void r.deleted.push(k),
    blocker: {
      blockPeer: (addr, port, seconds, label) =>
        void r.blocked.push([formatIp(addr, 0, addr.length as 4 | 16), port, seconds, label]),
    },
    onEvent: (e) => void r.events.push(e),
  };
}

let nextId = 1;
function held(ip: Uint8Array, ct?: ConntrackEntry, reply = false): NfqPacket {
  const bytes = encodeNfqPacket({
    queue: 0,
    family: 2,
    id: nextId++,
    hwProtocol: 0x0800,
    hook: 2,
    payload: ip,
    ...(ct ? { ct, ctInfo: reply ? IP_CT_ESTABLISHED_REPLY : IP_CT_ESTABLISHED } : {}),
  });
  const p = new NfqPacket();
  assert.ok(p.reset(new NlMsgView().reset(bytes, 0)));
  return p;
}

function cutting(io: CutIo, blockSeconds?: number): Decider {
  const cut = new FlowCut(io, blockSeconds);
  return new Decider({
    groups: [{ script: script!, pushes: [], action: { kind: 'cut' } }],
    onCut: (p, packet, fromInitiator, g, first) =>
      cut.cut(packet, fromInitiator, heldConntrack(p), 'bt', first),
  });
}

function decide(d: Decider, p: NfqPacket): number {
  const v: NfqDecision = { verdict: NF_ACCEPT, mark: KEEP_MARK, connmark: KEEP_MARK };
  d.handle(p, v);
  return v.verdict;
}

const tcp = (
  src: string,
  sport: number,
  dst: string,
  dport: number,
  seq: number,
  ack: number,
  payload = '',
) => buildTcpPacket({ src, dst, srcPort: sport, dstPort: dport, seq, ack, flags: 0x18, payload });

test('cut, TCP without conntrack data: each end gets the RST with its RCV.NXT, from the held packet', () => {
  const io = fakeIo();
  const d = cutting(io);
  assert.equal(
    decide(d, held(tcp('192.0.2.10', 40000, '198.51.100.10', 6881, 1000, 5000, 'hi'))),
    NF_ACCEPT,
  );
  assert.equal(io.rsts.length, 0);
  // the initiator's handshake (seq 1002, ack 5000) matches: dropped, and both ends reset
  assert.equal(
    decide(d, held(tcp('192.0.2.10', 40000, '198.51.100.10', 6881, 1002, 5000, HANDSHAKE))),
    NF_DROP,
  );
  assert.deepEqual(io.rsts, [
    // to the initiator: it expects 5000 (what it acknowledged)
    { src: '198.51.100.10', sport: 6881, dst: '192.0.2.10', dport: 40000, seq: 5000, ack: 1002 },
    // to the responder: it still expects the held packet's 1002
    { src: '192.0.2.10', sport: 40000, dst: '198.51.100.10', dport: 6881, seq: 1002, ack: 5000 },
  ]);
  assert.deepEqual(io.deleted, [
    { orig: { src: '192.0.2.10', dst: '198.51.100.10', proto: 6, srcPort: 40000, dstPort: 6881 } },
  ]);
  assert.deepEqual(io.events, [
    { kind: 'cut', label: 'bt', client: '192.0.2.10', peer: '198.51.100.10:6881', seconds: null },
  ]);
  // a reply already in flight: dropped, fresh RSTs from its numbers, no second event
  assert.equal(
    decide(d, held(tcp('198.51.100.10', 6881, '192.0.2.10', 40000, 5000, 1002, 'x'))),
    NF_DROP,
  );
  assert.deepEqual(
    io.rsts.slice(2).map((r) => [r.dst, r.seq]),
    [
      ['192.0.2.10', 5000],
      ['198.51.100.10', 1002],
    ],
  );
  assert.equal(io.events.length, 1);
  assert.deepEqual(io.blocked, []);
});

test('cut, TCP through SNAT: the RSTs follow conntrack tuples; the entry is deleted by its id', () => {
  const io = fakeIo();
  const d = cutting(io);
  // inside 192.0.2.10:40000 → 198.51.100.10:6881, masqueraded as 203.0.113.1:61000
  const ct: ConntrackEntry = {
    family: 2,
    orig: { src: '192.0.2.10', dst: '198.51.100.10', proto: 6, srcPort: 40000, dstPort: 6881 },
    reply: { src: '198.51.100.10', dst: '203.0.113.1', proto: 6, srcPort: 6881, dstPort: 61000 },
    id: 77,
  };
  // the responder's answer carries the handshake (as seen in FORWARD: before de-NAT? after:
  // the reply has been de-NATed already, so it goes to the inside address)
  assert.equal(
    decide(
      d,
      held(tcp('198.51.100.10', 6881, '192.0.2.10', 40000, 7000, 3000, HANDSHAKE), ct, true),
    ),
    NF_DROP,
  );
  assert.deepEqual(io.rsts, [
    { src: '198.51.100.10', sport: 6881, dst: '192.0.2.10', dport: 40000, seq: 7000, ack: 3000 },
    { src: '203.0.113.1', sport: 61000, dst: '198.51.100.10', dport: 6881, seq: 3000, ack: 7000 },
  ]);
  assert.deepEqual(io.deleted, [{ orig: ct.orig, id: 77 }]);
  assert.deepEqual(io.events[0].client, '192.0.2.10');
});

test('cut, UDP: dropped, entry deleted, the tuple blocked for --block-seconds', () => {
  const io = fakeIo();
  const d = cutting(io, 90);
  const udp = buildUdpPacket({
    src: '192.0.2.10',
    dst: '198.51.100.10',
    srcPort: 5000,
    dstPort: 6881,
    payload: HANDSHAKE,
  });
  assert.equal(decide(d, held(udp)), NF_DROP);
  assert.deepEqual(io.rsts, []);
  assert.deepEqual(io.blocked, [['198.51.100.10', 6881, 90, 'bt']]);
  assert.equal(io.deleted.length, 1);
  assert.equal(io.events[0].peer, '198.51.100.10:6881');
});

test('cut: a packet without ACK (a SYN) or with RST resets nobody', () => {
  const io = fakeIo();
  const cut = new FlowCut(io);
  const p = new Packet();
  for (const flags of [0x02, 0x14]) {
    const b = buildTcpPacket({ src: '192.0.2.1', dst: '192.0.2.2', srcPort: 1, dstPort: 2, flags });
    assert.ok(p.decode(b, 0, b.length));
    cut.cut(p, true, null, 'x', true);
  }
  assert.equal(io.rsts.length, 0);
  assert.equal(io.deleted.length, 2);
});

test('cut, no conntrack data with the packet: the entry is looked up, its tuples used', async () => {
  const io = fakeIo();
  const orig = { src: '192.0.2.10', dst: '198.51.100.10', proto: 6, srcPort: 40000, dstPort: 6881 };
  const reply = {
    src: '198.51.100.10',
    dst: '203.0.113.1',
    proto: 6,
    srcPort: 6881,
    dstPort: 61000,
  };
  const asked: unknown[] = [];
  io.lookup = async (sent) => {
    asked.push(sent);
    return { orig, reply, id: 5, zone: 0, replyDirection: false };
  };
  const cut = new FlowCut(io);
  const p = new Packet();
  const b = tcp('192.0.2.10', 40000, '198.51.100.10', 6881, 1002, 5000, HANDSHAKE);
  assert.ok(p.decode(b, 0, b.length));
  // rope's table got the direction wrong (it met the flow in the middle): conntrack's wins
  cut.cut(p, false, null, 'bt', true);
  // the packet's buffer may be reused at once: the cut must not read it later
  b.fill(0);
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(asked, [orig]);
  assert.deepEqual(io.rsts, [
    { src: '198.51.100.10', sport: 6881, dst: '192.0.2.10', dport: 40000, seq: 5000, ack: 1002 },
    { src: '203.0.113.1', sport: 61000, dst: '198.51.100.10', dport: 6881, seq: 1002, ack: 5000 },
  ]);
  assert.deepEqual(io.deleted, [{ orig, id: 5 }]);
  assert.equal(io.events.length, 1);
});
