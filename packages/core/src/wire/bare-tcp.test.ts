import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { bareTcpLength, writeBareTcp } from './bare-tcp.js';
import { tcpPacketLength, transportChecksumValid, writeTcpPacket } from './build.js';
import { rstAckPacket } from './reset.js';
import { TCP_ACK, TCP_RST } from './tcp.js';

const segment = fc.constantFrom<4 | 16>(4, 16).chain((a) =>
  fc.record({
    src: fc.uint8Array({ minLength: a, maxLength: a }),
    dst: fc.uint8Array({ minLength: a, maxLength: a }),
    srcPort: fc.integer({ min: 0, max: 0xffff }),
    dstPort: fc.integer({ min: 0, max: 0xffff }),
    seq: fc.integer({ min: -0x80000000, max: 0xffffffff }),
    ack: fc.integer({ min: -0x80000000, max: 0xffffffff }),
    flags: fc.integer({ min: 0, max: 0xff }),
    window: fc.integer({ min: 0, max: 0xffff }),
    payload: fc.option(fc.uint8Array({ maxLength: 9 }), { nil: null }),
    off: fc.nat(7),
  }),
);

test('bare TCP: the bytes the general builder writes for the same segment (property)', () => {
  fc.assert(
    fc.property(segment, (s) => {
      const spec = {
        src: s.src,
        dst: s.dst,
        srcPort: s.srcPort,
        dstPort: s.dstPort,
        seq: s.seq >>> 0,
        ack: s.ack >>> 0,
        flags: s.flags,
        window: s.window,
        ttl: 64,
        ...(s.payload ? { payload: s.payload } : {}),
      };
      const want = new Uint8Array(tcpPacketLength(spec) + s.off).fill(0xa5);
      writeTcpPacket(spec, want, s.off);
      const len = bareTcpLength(s.src.length as 4 | 16, s.payload?.length ?? 0);
      assert.equal(len, want.length - s.off);
      const got = new Uint8Array(len + s.off).fill(0xa5);
      const n = writeBareTcp(
        got,
        s.off,
        s.src,
        s.dst,
        s.srcPort,
        s.dstPort,
        s.seq,
        s.ack,
        s.flags,
        s.window,
        s.payload,
      );
      assert.equal(n, len);
      assert.deepEqual(got, want);
      assert.ok(transportChecksumValid(got, s.off));
    }),
    { numRuns: 2000 },
  );
});

test('bare TCP: mixed or odd address lengths are refused', () => {
  const out = new Uint8Array(80);
  assert.throws(
    () => writeBareTcp(out, 0, new Uint8Array(4), new Uint8Array(16), 1, 2, 0, 0, 0, 0, null),
    RangeError,
  );
  assert.throws(
    () => writeBareTcp(out, 0, new Uint8Array(5), new Uint8Array(5), 1, 2, 0, 0, 0, 0, null),
    RangeError,
  );
});

test('rstAckPacket: RST|ACK, window 0, from text or bytes alike', () => {
  const text = rstAckPacket(
    { src: '198.51.100.10', srcPort: 80, dst: '192.0.2.10', dstPort: 40000 },
    7,
    9,
  );
  const bytes = rstAckPacket(
    {
      src: Uint8Array.from([198, 51, 100, 10]),
      srcPort: 80,
      dst: Uint8Array.from([192, 0, 2, 10]),
      dstPort: 40000,
    },
    7,
    9,
  );
  assert.deepEqual(text, bytes);
  assert.equal(text[20 + 13], TCP_RST | TCP_ACK);
  assert.throws(
    () => rstAckPacket({ src: 'nowhere', srcPort: 1, dst: '192.0.2.1', dstPort: 2 }, 0, 0),
    /not an IP address: "nowhere"/,
  );
});
