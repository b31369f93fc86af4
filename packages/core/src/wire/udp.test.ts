import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { checkUdp, emitUdp, parseUdp, UdpView } from './udp.js';

// 5353 > 53: UDP, length 12 (4 payload bytes)
const FIXED = Uint8Array.from([0x14, 0xe9, 0x00, 0x35, 0x00, 0x0c, 0x00, 0x00]);

test('udp: view, emit into 0xa5, parse', () => {
  assert.equal(checkUdp(FIXED, 0, 8), null);
  const v = new UdpView().reset(FIXED, 0);
  assert.equal(v.srcPort, 5353);
  assert.equal(v.dstPort, 53);
  assert.equal(v.length, 12);
  const b = new Uint8Array(8).fill(0xa5);
  emitUdp({ srcPort: 5353, dstPort: 53, length: 12 }, b);
  assert.deepEqual(b, FIXED);
  assert.deepEqual(parseUdp(FIXED), { srcPort: 5353, dstPort: 53, length: 12 });
});

test('udp: short header and length field below 8 are reported', () => {
  assert.equal(checkUdp(FIXED, 0, 7)?.kind, 'truncated');
  const lying = Uint8Array.from(FIXED);
  lying[5] = 4;
  assert.equal(checkUdp(lying, 0, 8)?.kind, 'malformed');
});

test('udp: round trip (property)', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 0xffff }),
      fc.integer({ min: 0, max: 0xffff }),
      fc.integer({ min: 8, max: 0xffff }),
      (s, d, l) => {
        const b = new Uint8Array(8);
        emitUdp({ srcPort: s, dstPort: d, length: l }, b);
        assert.deepEqual(parseUdp(b), { srcPort: s, dstPort: d, length: l });
      },
    ),
  );
});
