import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { checkIpv6, emitIpv6, Ipv6View, parseIpv6, type Ipv6Repr } from './ipv6.js';
import { Ipv6ExtWalk, walkIpv6Extensions } from './ipv6-ext.js';
import { parseIp } from './address.js';

// IP6 (flowlabel 0x12345, hlim 64, next-header TCP (6) payload length: 20) 2001:db8:1::10 > 2001:db8:2::20
const FIXED = Uint8Array.from([
  0x60,
  0x01,
  0x23,
  0x45,
  0x00,
  0x14,
  0x06,
  0x40,
  ...parseIp('2001:db8:1::10')!,
  ...parseIp('2001:db8:2::20')!,
]);
const REPR: Ipv6Repr = {
  trafficClass: 0,
  flowLabel: 0x12345,
  payloadLength: 20,
  nextHeader: 6,
  hopLimit: 64,
  src: parseIp('2001:db8:1::10')!,
  dst: parseIp('2001:db8:2::20')!,
};

test('ipv6: view reads fixed bytes', () => {
  assert.equal(checkIpv6(FIXED, 0, 40), null);
  const v = new Ipv6View().reset(FIXED, 0);
  assert.equal(v.version, 6);
  assert.equal(v.flowLabel, 0x12345);
  assert.equal(v.payloadLength, 20);
  assert.equal(v.nextHeader, 6);
  assert.equal(v.hopLimit, 64);
  assert.equal(v.srcOffset, 8);
  assert.equal(v.dstOffset, 24);
});

test('ipv6: emit into a 0xa5-filled buffer gives the fixed bytes; parse inverts', () => {
  const b = new Uint8Array(40).fill(0xa5);
  emitIpv6(REPR, b);
  assert.deepEqual(b, FIXED);
  assert.deepEqual(parseIpv6(FIXED), REPR);
});

test('ipv6: traffic class and flow label round trip (property)', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 255 }),
      fc.integer({ min: 0, max: 0xfffff }),
      (tc, fl) => {
        const b = new Uint8Array(40);
        emitIpv6({ ...REPR, trafficClass: tc, flowLabel: fl }, b);
        const r = parseIpv6(b);
        assert.equal(r.trafficClass, tc);
        assert.equal(r.flowLabel, fl);
      },
    ),
  );
});

function withExtensions(chain: { nh: number; body: number[] }[], upper: number): Uint8Array {
  // chain[i].nh is the type of header i; each header's "next header" byte names the following one
  const parts: number[] = [];
  chain.forEach((h, i) => parts.push(i + 1 < chain.length ? chain[i + 1].nh : upper, ...h.body));
  const b = new Uint8Array(40 + parts.length + 20);
  emitIpv6(
    { ...REPR, nextHeader: chain.length ? chain[0].nh : upper, payloadLength: parts.length + 20 },
    b,
  );
  b.set(parts, 40);
  return b;
}

test('ipv6-ext: skips hop-by-hop, routing, destination options, AH and a first fragment', () => {
  const b = withExtensions(
    [
      { nh: 0, body: [0, 1, 4, 0, 0, 0, 0] }, // hop-by-hop, 8 bytes (PadN)
      { nh: 43, body: [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0] }, // routing, 16 bytes
      { nh: 51, body: [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0] }, // AH, (1+2)*4 = 12 bytes
      { nh: 44, body: [0, 0, 1, 0, 0, 0, 7] }, // fragment, offset 0, M=1
      { nh: 60, body: [0, 1, 4, 0, 0, 0, 0] }, // destination options
    ],
    17,
  );
  const w = new Ipv6ExtWalk();
  assert.equal(walkIpv6Extensions(b, 0, b.length, w), null);
  assert.equal(w.protocol, 17);
  assert.equal(w.upperOffset, 40 + 8 + 16 + 12 + 8 + 8);
  assert.equal(w.fragmented, true);
  assert.equal(w.moreFragments, true);
  assert.equal(w.fragmentId, 7);
});

test('ipv6-ext: a later fragment stops the walk; a header past the end is a truncation', () => {
  const later = withExtensions([{ nh: 44, body: [0, 0x05, 0x00, 0, 0, 0, 1] }], 6);
  const w = new Ipv6ExtWalk();
  assert.equal(walkIpv6Extensions(later, 0, later.length, w), null);
  assert.equal(w.fragmentOffset, 0x0500 & 0xfff8);
  const lying = withExtensions([{ nh: 0, body: [200, 0, 0, 0, 0, 0, 0] }], 6);
  const f = walkIpv6Extensions(lying, 0, lying.length, w);
  assert.equal(f?.kind, 'truncated');
  assert.equal(f?.layer, 'ipv6-ext');
  assert.equal(f?.needed, 201 * 8);
});

test('ipv6-ext: never reads past the end (property on random chains)', () => {
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 40, maxLength: 200 }), (bytes) => {
      bytes[0] = 0x60;
      bytes[6] = [0, 43, 44, 51, 60][bytes[7] % 5];
      const w = new Ipv6ExtWalk();
      const f = walkIpv6Extensions(bytes, 0, bytes.length, w);
      if (!f) assert.ok(w.upperOffset <= bytes.length);
    }),
  );
});
