import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  checkTcp,
  emitTcp,
  parseTcp,
  TCP_ACK,
  TCP_SYN,
  tcpFlagsText,
  TcpView,
  type TcpRepr,
} from './tcp.js';
import { encodeTcpOptions, readTcpOptions, TcpOptions } from './tcp-options.js';

// 12345 > 80: Flags [S], seq 1000, win 64240, options [mss 1460,sackOK,TS val 1 ecr 0,nop,wscale 7]
const OPTIONS = Uint8Array.from([
  2, 4, 0x05, 0xb4, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0, 1, 3, 3, 7,
]);
const FIXED = Uint8Array.from([
  0x30,
  0x39,
  0x00,
  0x50,
  0x00,
  0x00,
  0x03,
  0xe8,
  0x00,
  0x00,
  0x00,
  0x00,
  0xa0,
  0x02,
  0xfa,
  0xf0,
  0x00,
  0x00,
  0x00,
  0x00,
  ...OPTIONS,
]);
const REPR: TcpRepr = {
  srcPort: 12345,
  dstPort: 80,
  seq: 1000,
  ack: 0,
  flags: TCP_SYN,
  window: 64240,
  urgentPointer: 0,
  options: OPTIONS,
};

test('tcp: view reads fixed bytes', () => {
  assert.equal(checkTcp(FIXED, 0, FIXED.length), null);
  const v = new TcpView().reset(FIXED, 0);
  assert.equal(v.srcPort, 12345);
  assert.equal(v.dstPort, 80);
  assert.equal(v.seq, 1000);
  assert.equal(v.headerLength, 40);
  assert.equal(v.flags, TCP_SYN);
  assert.equal(v.window, 64240);
  assert.equal(v.optionsLength, 20);
  assert.equal(tcpFlagsText(v.flags), 'S');
  assert.equal(tcpFlagsText(TCP_SYN | TCP_ACK), 'S.');
});

test('tcp: emit into 0xa5 gives the fixed bytes; parse inverts', () => {
  const b = new Uint8Array(40).fill(0xa5);
  assert.equal(emitTcp(REPR, b), 40);
  assert.deepEqual(b, FIXED);
  assert.deepEqual(parseTcp(FIXED), REPR);
});

test('tcp options: MSS, SACK-permitted, timestamps, window scale read and encode', () => {
  const o = new TcpOptions();
  assert.equal(readTcpOptions(OPTIONS, 0, OPTIONS.length, o), null);
  assert.equal(o.mss, 1460);
  assert.equal(o.sackPermitted, true);
  assert.equal(o.hasTimestamp, true);
  assert.equal(o.tsVal, 1);
  assert.equal(o.windowScale, 7);
  assert.deepEqual(
    encodeTcpOptions({
      mss: 1460,
      sackPermitted: true,
      timestamp: { val: 1, ecr: 0 },
      windowScale: 7,
    }),
    OPTIONS,
  );
});

test('tcp options: bad lengths are reported, never read past the header', () => {
  const o = new TcpOptions();
  assert.match(
    readTcpOptions(Uint8Array.from([2, 3, 0, 0]), 0, 4, o)!.reason,
    /MSS option has length 3/,
  );
  assert.match(readTcpOptions(Uint8Array.from([8, 10, 0, 0]), 0, 4, o)!.reason, /runs past/);
  assert.match(readTcpOptions(Uint8Array.from([30, 1, 0, 0]), 0, 4, o)!.reason, /length 1/);
  assert.match(readTcpOptions(Uint8Array.from([1, 1, 1, 30]), 0, 4, o)!.reason, /no length byte/);
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 40 }), (bytes) => {
      readTcpOptions(bytes, 0, bytes.length, o); // must not throw
    }),
  );
});

test('tcp: short headers and data offsets that lie are reported', () => {
  assert.equal(checkTcp(FIXED, 0, 19)?.kind, 'truncated');
  assert.equal(checkTcp(FIXED, 0, 30)?.field, 'data offset');
  const small = Uint8Array.from(FIXED);
  small[12] = 0x40;
  assert.equal(checkTcp(small, 0, 40)?.kind, 'malformed');
});

test('tcp: parse/emit round trip (property)', () => {
  fc.assert(
    fc.property(
      fc.record({
        srcPort: fc.integer({ min: 0, max: 0xffff }),
        dstPort: fc.integer({ min: 0, max: 0xffff }),
        seq: fc.integer({ min: 0, max: 0xffffffff }),
        ack: fc.integer({ min: 0, max: 0xffffffff }),
        flags: fc.integer({ min: 0, max: 255 }),
        window: fc.integer({ min: 0, max: 0xffff }),
        urgentPointer: fc.integer({ min: 0, max: 0xffff }),
        options: fc.integer({ min: 0, max: 10 }).map((n) => new Uint8Array(n * 4).fill(1)),
      }),
      (r) => {
        const b = new Uint8Array(60);
        emitTcp(r, b);
        assert.deepEqual(parseTcp(b, 0, 20 + r.options.length), { ...r });
      },
    ),
  );
});
