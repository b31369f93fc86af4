import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { buildIpPacket, buildTcpPacket, buildUdpPacket } from '../wire/build.js';
import { Packet } from '../wire/packet.js';
import { TCP_ACK, TCP_FIN, TCP_RST, TCP_SYN } from '../wire/tcp.js';
import { FlowTable, type FlowRemoveReason } from './flow-table.js';
import type { Flow } from './flow.js';

const pkt = new Packet();
function feed(t: FlowTable, bytes: Uint8Array, now = 0): Flow | null {
  assert.ok(pkt.decode(bytes, 0, bytes.length));
  return t.lookup(pkt, now);
}
const tcp = (src: string, sp: number, dst: string, dp: number, flags: number, payload = '') =>
  buildTcpPacket({ src, dst, srcPort: sp, dstPort: dp, flags, payload });

test('both directions find one flow; the sender of the first packet is the initiator', () => {
  const t = new FlowTable();
  const f1 = feed(t, tcp('198.51.100.7', 80, '192.0.2.9', 40000, TCP_ACK, 'x'))!;
  assert.equal(t.created, true);
  const f2 = feed(t, tcp('192.0.2.9', 40000, '198.51.100.7', 80, TCP_ACK, 'yy'))!;
  assert.equal(f1, f2);
  assert.equal(t.created, false);
  assert.equal(t.direction, 1);
  assert.equal(f1.endpointA(), '198.51.100.7:80');
  assert.equal(f1.endpointB(), '192.0.2.9:40000');
  assert.deepEqual([f1.packetsAB, f1.packetsBA], [1, 1]);
  assert.deepEqual([f1.payloadPacketsAB, f1.payloadPacketsBA], [1, 1]);
  assert.equal(f1.bytesAB, 41);
  assert.equal(f1.bytesIn(1), 42);
  assert.equal(t.size, 1);
});

test('a SYN-ACK seen first makes its receiver the initiator', () => {
  const t = new FlowTable();
  const f = feed(t, tcp('198.51.100.7', 80, '192.0.2.9', 40000, TCP_SYN | TCP_ACK))!;
  assert.equal(f.endpointA(), '192.0.2.9:40000');
  assert.equal(t.direction, 1);
});

test('protocol and IP version are part of the key; IPv6 endpoints use brackets', () => {
  const t = new FlowTable();
  const a = feed(
    t,
    buildUdpPacket({ src: '192.0.2.1', dst: '192.0.2.2', srcPort: 5, dstPort: 6 }),
  )!;
  const b = feed(t, tcp('192.0.2.1', 5, '192.0.2.2', 6, TCP_SYN))!;
  const c = feed(
    t,
    buildUdpPacket({ src: '2001:db8::1', dst: '2001:db8::2', srcPort: 5, dstPort: 6 }),
  )!;
  const d = feed(
    t,
    buildIpPacket({ src: '192.0.2.1', dst: '192.0.2.2', protocol: 1, payload: 'ping' }),
  )!;
  assert.equal(new Set([a, b, c, d]).size, 4);
  assert.equal(c.endpointA(), '[2001:db8::1]:5');
  assert.equal(d.portA, 0);
});

test('same address both ends: ports order the endpoints, both directions still meet', () => {
  const t = new FlowTable();
  const f = feed(t, tcp('192.0.2.1', 9000, '192.0.2.1', 80, TCP_SYN))!;
  assert.equal(feed(t, tcp('192.0.2.1', 80, '192.0.2.1', 9000, TCP_SYN | TCP_ACK)), f);
  assert.equal(t.direction, 1);
});

test('idle flows expire per protocol timeout; removal is reported', () => {
  const removed: [number, FlowRemoveReason][] = [];
  const t = new FlowTable({
    tcpIdleTimeout: 100,
    udpIdleTimeout: 10,
    onRemove: (f, r) => removed.push([f.id, r]),
  });
  feed(t, tcp('192.0.2.1', 1, '192.0.2.2', 2, TCP_SYN), 0);
  feed(t, buildUdpPacket({ src: '192.0.2.1', dst: '192.0.2.2', srcPort: 1, dstPort: 2 }), 0);
  feed(t, buildUdpPacket({ src: '192.0.2.3', dst: '192.0.2.2', srcPort: 1, dstPort: 2 }), 50);
  assert.deepEqual(removed, [[2, 'idle']]);
  feed(t, buildUdpPacket({ src: '192.0.2.3', dst: '192.0.2.2', srcPort: 1, dstPort: 2 }), 55);
  assert.deepEqual(removed, [[2, 'idle']]);
  // at 101 the TCP flow (idle 101 s > 100) and the UDP flow (idle 46 s > 10) have both expired;
  // the packet then starts flow 4
  const f = feed(
    t,
    buildUdpPacket({ src: '192.0.2.3', dst: '192.0.2.2', srcPort: 1, dstPort: 2 }),
    101,
  )!;
  assert.deepEqual(removed, [
    [2, 'idle'],
    [1, 'idle'],
    [3, 'idle'],
  ]); // TCP list first
  assert.equal(f.id, 4);
  assert.equal(t.size, 1);
  t.drain();
  assert.equal(t.size, 0);
  assert.deepEqual(removed.at(-1), [4, 'drained']);
});

test('the table never holds more than maxFlows: least recently used goes first', () => {
  const evicted: number[] = [];
  const t = new FlowTable({ maxFlows: 3, onRemove: (f) => evicted.push(f.id) });
  const u = (n: number) =>
    buildUdpPacket({ src: `192.0.2.${n}`, dst: '198.51.100.1', srcPort: 1000, dstPort: 53 });
  feed(t, u(1), 1);
  feed(t, u(2), 2);
  feed(t, u(3), 3);
  feed(t, u(1), 4); // 1 is now most recent
  feed(t, u(4), 5); // evicts 2
  assert.deepEqual(evicted, [2]);
  assert.equal(t.size, 3);
  assert.equal(t.removed.evicted, 1);
});

test('a fresh SYN on a closed TCP tuple starts a new flow', () => {
  const t = new FlowTable();
  const f = feed(t, tcp('192.0.2.1', 1, '192.0.2.2', 2, TCP_SYN))!;
  feed(t, tcp('192.0.2.2', 2, '192.0.2.1', 1, TCP_RST | TCP_ACK));
  assert.ok(f.closed);
  const first = f.id;
  // (the table may reuse the object of the flow that left: tell flows apart by id)
  const g = feed(t, tcp('192.0.2.1', 1, '192.0.2.2', 2, TCP_SYN))!;
  assert.notEqual(g.id, first);
  assert.ok(!g.closed);
  assert.equal(g.totalPackets, 1);
  assert.equal(t.removed.reused, 1);
  const h = feed(t, tcp('192.0.2.2', 2, '192.0.2.1', 1, TCP_FIN | TCP_ACK))!;
  assert.equal(h, g);
});

test('later fragments share a port-0 flow of their address pair; no IP gives no flow', () => {
  const t = new FlowTable();
  const b = buildUdpPacket({
    src: '192.0.2.1',
    dst: '192.0.2.2',
    srcPort: 1,
    dstPort: 2,
    payload: 'abcdefgh',
  });
  b[7] = 2;
  pkt.decode(b, 0, b.length);
  const f = t.lookup(pkt, 0)!;
  assert.equal(f.endpointA(), '192.0.2.1:0');
  pkt.decode(new Uint8Array([1, 2, 3]), 0, 3);
  assert.equal(t.lookup(pkt, 0), null);
});

test('a TCP header cut after its ports still keys the flow by those ports', () => {
  const t = new FlowTable();
  const b = tcp('192.0.2.1', 4000, '192.0.2.2', 80, TCP_SYN);
  pkt.decode(b, 0, 26);
  assert.equal(pkt.hasPorts, false);
  assert.equal(t.lookup(pkt, 0)!.endpointB(), '192.0.2.2:80');
});

test('model check: table agrees with a Map keyed by sorted endpoint text (property)', () => {
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.nat(5), fc.nat(5), fc.nat(3), fc.nat(3), fc.boolean()), {
        minLength: 1,
        maxLength: 60,
      }),
      (ops) => {
        const t = new FlowTable({ maxFlows: 1000 });
        const model = new Map<string, Flow>();
        for (const [a, b, pa, pb, isTcp] of ops) {
          const src = `192.0.2.${a}`;
          const dst = `192.0.2.${b}`;
          const bytes = isTcp
            ? tcp(src, 1000 + pa, dst, 1000 + pb, TCP_ACK)
            : buildUdpPacket({ src, dst, srcPort: 1000 + pa, dstPort: 1000 + pb });
          const f = feed(t, bytes)!;
          const key = [
            isTcp ? 'tcp' : 'udp',
            ...[`${src}:${1000 + pa}`, `${dst}:${1000 + pb}`].sort(),
          ].join(' ');
          const known = model.get(key);
          if (known) assert.equal(f, known);
          else model.set(key, f);
          assert.equal(t.size, model.size);
        }
      },
    ),
  );
});

test('memory stays bounded under a flood of new flows', () => {
  const t = new FlowTable({ maxFlows: 1000 });
  const b = buildUdpPacket({ src: '10.0.0.0', dst: '198.51.100.1', srcPort: 1, dstPort: 53 });
  for (let i = 0; i < 50_000; i++) {
    b[13] = (i >> 8) & 0xff;
    b[14] = i & 0xff;
    b[21] = i & 0xff; // vary the source port too
    feed(t, b, i / 1000);
  }
  assert.equal(t.size, 1000);
  assert.equal(t.removed.evicted, 49_000);
});

test('the bucket array grows (rehash) and every flow stays findable from both directions', () => {
  const t = new FlowTable({ maxFlows: 100_000 });
  const flows: Flow[] = [];
  for (let i = 0; i < 5000; i++)
    flows.push(feed(t, tcp(`10.0.${i >> 8}.${i & 0xff}`, 1000, '198.51.100.1', 80, TCP_SYN))!);
  assert.equal(t.size, 5000);
  for (let i = 0; i < 5000; i += 7) {
    assert.equal(
      feed(t, tcp('198.51.100.1', 80, `10.0.${i >> 8}.${i & 0xff}`, 1000, TCP_SYN | TCP_ACK)),
      flows[i],
    );
    assert.equal(t.created, false);
  }
});

test('reserve: the buckets have room for that many flows from the start and never rehash', () => {
  const t = new FlowTable({ maxFlows: 100_000, reserve: 5000 });
  assert.equal(t.bucketCount, 8192);
  for (let i = 0; i < 5000; i++)
    feed(t, tcp(`10.0.${i >> 8}.${i & 0xff}`, 1000, '198.51.100.1', 80, TCP_SYN));
  assert.equal(t.bucketCount, 8192, 'no rehash up to the reserve');
  // past it they double as before; a reserve above maxFlows is cut to maxFlows' buckets
  feed(t, tcp('10.1.0.1', 1000, '198.51.100.1', 80, TCP_SYN));
  for (let i = 5001; i <= 8192; i++)
    feed(t, tcp(`10.2.${i >> 8}.${i & 0xff}`, 1000, '198.51.100.1', 80, TCP_SYN));
  assert.equal(t.bucketCount, 16384);
  assert.equal(new FlowTable({ maxFlows: 3000, reserve: 1_000_000 }).bucketCount, 4096);
  assert.equal(new FlowTable({ maxFlows: 100_000 }).bucketCount, 1024, 'default: no reserve');
});

test('an ended TCP flow lingers for closedIdleTimeout, then leaves; open ones keep theirs', () => {
  const removed: [number, FlowRemoveReason][] = [];
  const t = new FlowTable({
    tcpIdleTimeout: 1000,
    closedIdleTimeout: 10,
    onRemove: (f, r) => removed.push([f.id, r]),
  });
  const finished = feed(t, tcp('192.0.2.1', 1, '192.0.2.2', 2, TCP_FIN | TCP_ACK), 0)!;
  feed(t, tcp('192.0.2.2', 2, '192.0.2.1', 1, TCP_FIN | TCP_ACK), 1);
  // the last ACK still finds it
  assert.equal(feed(t, tcp('192.0.2.1', 1, '192.0.2.2', 2, TCP_ACK), 2), finished);
  const reset = feed(t, tcp('192.0.2.1', 3, '192.0.2.2', 4, TCP_RST), 2)!;
  const open = feed(t, tcp('192.0.2.1', 5, '192.0.2.2', 6, TCP_FIN | TCP_ACK), 2)!;
  assert.ok(finished.closed && reset.closed && !open.closed);
  const ids = [finished.id, reset.id];
  t.expire(12.5);
  assert.deepEqual(removed, [
    [ids[0], 'idle'],
    [ids[1], 'idle'],
  ]);
  assert.equal(t.size, 1);
  // a packet after that starts a new flow of its own
  const again = feed(t, tcp('192.0.2.2', 2, '192.0.2.1', 1, TCP_ACK), 13)!;
  assert.ok(!ids.includes(again.id));
  assert.equal(again.endpointA(), '192.0.2.2:2');
  assert.equal(again.totalPackets, 1);
});

test('eviction takes the least recently used of open, ended and non-TCP flows', () => {
  const evicted: number[] = [];
  const t = new FlowTable({ maxFlows: 3, onRemove: (f) => evicted.push(f.id) });
  feed(t, tcp('192.0.2.1', 1, '192.0.2.2', 2, TCP_RST), 1); // 1, ended
  feed(t, tcp('192.0.2.1', 3, '192.0.2.2', 4, TCP_ACK), 2); // 2, open
  feed(t, buildUdpPacket({ src: '192.0.2.1', dst: '192.0.2.2', srcPort: 5, dstPort: 6 }), 3); // 3
  feed(t, tcp('192.0.2.1', 7, '192.0.2.2', 8, TCP_ACK), 4); // 4 evicts 1
  feed(t, tcp('192.0.2.1', 1, '192.0.2.2', 2, TCP_ACK), 5); // 5 evicts 2
  feed(t, tcp('192.0.2.1', 9, '192.0.2.2', 10, TCP_ACK), 6); // 6 evicts 3
  assert.deepEqual(evicted, [1, 2, 3]);
  // on a tie the ended connection goes first
  const u = new FlowTable({ maxFlows: 2, onRemove: (f) => evicted.push(f.id) });
  feed(u, tcp('192.0.2.1', 3, '192.0.2.2', 4, TCP_ACK), 7);
  feed(u, tcp('192.0.2.1', 1, '192.0.2.2', 2, TCP_RST), 7);
  feed(u, tcp('192.0.2.1', 5, '192.0.2.2', 6, TCP_ACK), 7);
  assert.deepEqual(evicted.slice(3), [2]);
});

test('a flow that left the table comes back as a new flow with fresh counters (objects reused)', () => {
  const t = new FlowTable({ maxFlows: 2 });
  const u = (n: number) =>
    buildUdpPacket({ src: `192.0.2.${n}`, dst: '198.51.100.1', srcPort: 1000, dstPort: 53 });
  for (let round = 0; round < 3; round++)
    for (let n = 1; n <= 3; n++) {
      const f = feed(t, u(n), round * 10 + n)!;
      assert.equal(t.created, true);
      assert.equal(f.endpointA(), `192.0.2.${n}:1000`);
      assert.deepEqual(
        [f.totalPackets, f.firstSeen, f.lastSeen],
        [1, round * 10 + n, round * 10 + n],
      );
    }
  assert.equal(t.removed.evicted, 7);
});
