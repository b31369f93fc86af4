// Fuzzing the packet decoder: random bytes and mutations of real packets (IPv4 and IPv6, TCP
// with options, UDP, extension headers, tunnels), decoded at any offset of a larger buffer, must
// never throw and never point outside the bytes they were given. FUZZ_SCALE=N runs N times the
// cases (`npm run fuzz`).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { buildIpPacket, buildTcpPacket, buildUdpPacket } from './build.js';
import { Packet } from './packet.js';

const SCALE = Number(process.env.FUZZ_SCALE ?? 1);

const tcp4 = buildTcpPacket({
  src: '192.0.2.1',
  dst: '192.0.2.2',
  srcPort: 1,
  dstPort: 2,
  flags: 2,
  payload: 'GET / HTTP/1.1',
});
const udp6 = buildUdpPacket({
  src: '2001:db8::1',
  dst: '2001:db8::2',
  srcPort: 1,
  dstPort: 2,
  payload: 'd1:ad2:id20:',
});
const tcp6 = buildTcpPacket({
  src: '2001:db8::1',
  dst: '2001:db8::2',
  srcPort: 6881,
  dstPort: 40000,
  flags: 0x18,
  payload: '\x13BitTorrent protocol',
});
// IP in IP and IPv6 in IPv4: the decoder unwraps tunnels
const ipip = buildIpPacket({
  src: '198.51.100.1',
  dst: '198.51.100.2',
  protocol: 4,
  payload: tcp4,
});
const sixin4 = buildIpPacket({
  src: '198.51.100.1',
  dst: '198.51.100.2',
  protocol: 41,
  payload: udp6,
});
/** IPv6 with a hop-by-hop and a fragment header before TCP. */
function withExtensions(): Uint8Array {
  const inner = tcp6.subarray(40);
  const hop = Uint8Array.from([44, 0, 1, 4, 0, 0, 0, 0]);
  const frag = Uint8Array.from([6, 0, 0, 0, 0, 0, 0, 7]);
  const b = new Uint8Array(40 + hop.length + frag.length + inner.length);
  b.set(tcp6.subarray(0, 40));
  b[6] = 0; // next header: hop-by-hop
  const plen = b.length - 40;
  b[4] = plen >> 8;
  b[5] = plen & 0xff;
  b.set(hop, 40);
  b.set(frag, 48);
  b.set(inner, 56);
  return b;
}
const BASE = [tcp4, udp6, tcp6, ipip, sixin4, withExtensions()];

const mutated = fc
  .tuple(
    fc.constantFrom(...BASE),
    fc.array(fc.tuple(fc.nat(200), fc.nat(255)), { maxLength: 8 }),
    fc.nat(160),
  )
  .map(([b, edits, cut]) => {
    const c = Uint8Array.from(b);
    for (const [i, v] of edits) c[i % c.length] = v;
    return c.subarray(0, Math.min(c.length, cut + 1));
  });

/** The decoded view lies inside [off, off + len) of the buffer. */
function checkInside(p: Packet, off: number, len: number): void {
  const end = off + len;
  assert.ok(p.end <= end && p.ipOffset >= off, `ip ${p.ipOffset}..${p.end} in ${off}..${end}`);
  assert.ok(p.payloadLength >= 0 && p.payloadOffset >= off);
  assert.ok(p.payloadOffset + p.payloadLength <= p.end);
  assert.ok(p.srcOffset >= off && p.srcOffset + p.addrLength <= end);
  assert.ok(p.dstOffset >= off && p.dstOffset + p.addrLength <= end);
  if (p.hasPorts) assert.ok(p.l4Offset >= p.ipOffset && p.l4Offset < p.end);
}

test('the seeds decode, to their inner flow, with ports', () => {
  const p = new Packet();
  for (const b of BASE) {
    assert.ok(p.decode(b, 0, b.length));
    assert.ok(p.hasPorts, 'ports found');
    checkInside(p, 0, b.length);
  }
});

test('decode: random and mutated bytes never throw and never point outside the buffer (property)', () => {
  const p = new Packet();
  fc.assert(
    fc.property(fc.oneof(fc.uint8Array({ maxLength: 160 }), mutated), (bytes) => {
      if (p.decode(bytes, 0, bytes.length)) checkInside(p, 0, bytes.length);
    }),
    { numRuns: 3000 * SCALE },
  );
});

test('decode: a packet in the middle of a larger buffer reads nothing around it (property)', () => {
  const p = new Packet();
  fc.assert(
    fc.property(
      fc.oneof(fc.uint8Array({ maxLength: 160 }), mutated),
      fc.uint8Array({ maxLength: 32 }),
      fc.uint8Array({ maxLength: 32 }),
      (bytes, before, after) => {
        const buf = new Uint8Array(before.length + bytes.length + after.length);
        buf.set(before);
        buf.set(bytes, before.length);
        buf.set(after, before.length + bytes.length);
        const alone = new Packet();
        const okAlone = alone.decode(bytes, 0, bytes.length);
        const ok = p.decode(buf, before.length, bytes.length);
        assert.equal(ok, okAlone, 'the bytes around do not change the outcome');
        if (!ok) return;
        checkInside(p, before.length, bytes.length);
        assert.equal(p.payloadLength, alone.payloadLength);
        assert.equal(p.payloadOffset - before.length, alone.payloadOffset);
        assert.equal(p.hasPorts && p.srcPort, alone.hasPorts && alone.srcPort);
      },
    ),
    { numRuns: 1000 * SCALE },
  );
});
