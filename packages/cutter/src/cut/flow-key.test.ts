import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { buildTcpPacket, formatIp, Packet, TCP_ACK } from '@p2pwall/core';
import { directionHash, DirectionKey } from './flow-key.js';

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
const text = (b: Uint8Array) => formatIp(b, 0, b.length as 4 | 16);

function decoded(t: { src: Uint8Array; dst: Uint8Array; sport: number; dport: number }): Packet {
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

test('a packet is recognised as the direction made from the same tuple in text', () => {
  fc.assert(
    fc.property(tuple, (t) => {
      const key = new DirectionKey(text(t.src), t.sport, text(t.dst), t.dport);
      const p = decoded(t);
      const at = [p.buf, p.srcOffset, p.dstOffset, p.addrLength, p.srcPort, p.dstPort] as const;
      assert.equal(directionHash(...at), key.hash);
      assert.ok(key.matches(...at));
      assert.ok(key.equals(new DirectionKey(text(t.src), t.sport, text(t.dst), t.dport)));
    }),
  );
});

test('any other tuple, the reverse direction included, does not match', () => {
  fc.assert(
    fc.property(tuple, tuple, (t, u) => {
      const same =
        t.sport === u.sport &&
        t.dport === u.dport &&
        Buffer.compare(t.src, u.src) === 0 &&
        Buffer.compare(t.dst, u.dst) === 0;
      const key = new DirectionKey(text(t.src), t.sport, text(t.dst), t.dport);
      const p = decoded(u);
      assert.equal(
        key.matches(p.buf, p.srcOffset, p.dstOffset, p.addrLength, p.srcPort, p.dstPort),
        same,
      );
    }),
  );
  const key = new DirectionKey('192.0.2.10', 40000, '198.51.100.10', 80);
  const back = decoded({
    src: Uint8Array.of(198, 51, 100, 10),
    dst: Uint8Array.of(192, 0, 2, 10),
    sport: 80,
    dport: 40000,
  });
  assert.ok(
    !key.matches(
      back.buf,
      back.srcOffset,
      back.dstOffset,
      back.addrLength,
      back.srcPort,
      back.dstPort,
    ),
  );
  assert.throws(() => new DirectionKey('192.0.2.10', 1, '2001:db8::1', 2), RangeError);
});
