import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { formatIp } from '../wire/address.js';
import { buildTcpPacket } from '../wire/build.js';
import { IPPROTO_TCP } from '../wire/ip-proto.js';
import { Packet } from '../wire/packet.js';
import { TCP_ACK } from '../wire/tcp.js';
import { FlowKey } from './flow-key.js';

const address = fc.oneof(
  fc.uint8Array({ minLength: 4, maxLength: 4 }),
  fc.uint8Array({ minLength: 16, maxLength: 16 }),
);
const tuple = address.chain((src) =>
  fc.record({
    src: fc.constant(src),
    dst: fc.uint8Array({ minLength: src.length, maxLength: src.length }),
    sport: fc.integer({ min: 0, max: 65535 }),
    dport: fc.integer({ min: 0, max: 65535 }),
  }),
);
type Tuple = { src: Uint8Array; dst: Uint8Array; sport: number; dport: number };
const text = (b: Uint8Array) => formatIp(b, 0, b.length as 4 | 16);
const fromText = (t: Tuple) =>
  FlowKey.fromText(IPPROTO_TCP, text(t.src), t.sport, text(t.dst), t.dport);
const reversed = (t: Tuple): Tuple => ({ src: t.dst, dst: t.src, sport: t.dport, dport: t.sport });

function decoded(t: Tuple): Packet {
  const b = buildTcpPacket({
    src: t.src,
    dst: t.dst,
    srcPort: t.sport,
    dstPort: t.dport,
    flags: TCP_ACK,
  });
  const p = new Packet();
  assert.ok(p.decode(b, 0, b.length));
  return p;
}

test('a packet reads as the key made from the same tuple in text, hash and all', () => {
  const k = new FlowKey();
  fc.assert(
    fc.property(tuple, (t) => {
      const key = fromText(t);
      k.readPacket(decoded(t));
      assert.ok(k.equals(key));
      assert.equal(k.hash(), key.hash());
    }),
  );
});

test('any other tuple, the reverse direction included, is another key', () => {
  const k = new FlowKey();
  fc.assert(
    fc.property(tuple, tuple, (t, u) => {
      const same =
        t.sport === u.sport &&
        t.dport === u.dport &&
        Buffer.compare(t.src, u.src) === 0 &&
        Buffer.compare(t.dst, u.dst) === 0;
      assert.equal(k.readPacket(decoded(u)).equals(fromText(t)), same);
    }),
  );
  const there = FlowKey.fromText(IPPROTO_TCP, '192.0.2.10', 40000, '198.51.100.10', 80);
  const back = FlowKey.fromText(IPPROTO_TCP, '198.51.100.10', 80, '192.0.2.10', 40000);
  assert.ok(!there.equals(back));
  assert.ok(there.equals(back.reverse()));
  assert.ok(!there.equals(FlowKey.fromText(17, '192.0.2.10', 40000, '198.51.100.10', 80)));
  assert.throws(() => FlowKey.fromText(IPPROTO_TCP, '192.0.2.10', 1, '2001:db8::1', 2), RangeError);
  assert.throws(() => FlowKey.fromText(IPPROTO_TCP, '192.0.2.300', 1, '192.0.2.1', 2), RangeError);
});

test('canonical keys: both directions of a flow give one key and one hash', () => {
  fc.assert(
    fc.property(tuple, (t) => {
      const there = fromText(t);
      const back = fromText(reversed(t));
      const thereWasLo = there.canonicalize();
      const backWasLo = back.canonicalize();
      assert.ok(there.equals(back));
      assert.equal(there.hash(), back.hash());
      // exactly one direction already was in order, unless both ends are the same endpoint
      const loop = Buffer.compare(t.src, t.dst) === 0 && t.sport === t.dport;
      assert.ok(loop ? thereWasLo && backWasLo : thereWasLo !== backWasLo);
    }),
  );
});
