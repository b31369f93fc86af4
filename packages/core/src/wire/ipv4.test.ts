import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DecodeError } from '../errors.js';
import { checkIpv4, emitIpv4, Ipv4View, parseIpv4, type Ipv4Repr } from './ipv4.js';

// tcpdump -x: IP (tos 0x0, ttl 64, id 48879, offset 0, flags [DF], proto TCP (6), length 60)
//   192.0.2.10 > 198.51.100.20
const FIXED = Uint8Array.from([
  0x45, 0x00, 0x00, 0x3c, 0xbe, 0xef, 0x40, 0x00, 0x40, 0x06, 0x00, 0x00, 192, 0, 2, 10, 198, 51,
  100, 20,
]);
{
  // fill in the real header checksum once, so the fixture verifies
  let s = 0;
  for (let i = 0; i < 20; i += 2) s += (FIXED[i] << 8) | FIXED[i + 1];
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  FIXED[10] = (~s >> 8) & 0xff;
  FIXED[11] = ~s & 0xff;
}

const REPR: Ipv4Repr = {
  tos: 0,
  totalLength: 60,
  id: 0xbeef,
  dontFragment: true,
  moreFragments: false,
  fragmentOffset: 0,
  ttl: 64,
  protocol: 6,
  src: Uint8Array.from([192, 0, 2, 10]),
  dst: Uint8Array.from([198, 51, 100, 20]),
  options: new Uint8Array(0),
};

test('ipv4: view reads every field of fixed bytes', () => {
  assert.equal(checkIpv4(FIXED, 0, FIXED.length), null);
  const v = new Ipv4View().reset(FIXED, 0);
  assert.equal(v.version, 4);
  assert.equal(v.headerLength, 20);
  assert.equal(v.totalLength, 60);
  assert.equal(v.id, 0xbeef);
  assert.equal(v.dontFragment, true);
  assert.equal(v.moreFragments, false);
  assert.equal(v.fragmentOffset, 0);
  assert.equal(v.ttl, 64);
  assert.equal(v.protocol, 6);
  assert.equal(v.srcOffset, 12);
  assert.ok(v.checksumValid());
});

test('ipv4: emit writes every byte (0xa5-filled buffer shows a forgotten field)', () => {
  const b = new Uint8Array(20).fill(0xa5);
  assert.equal(emitIpv4(REPR, b), 20);
  assert.deepEqual(b, FIXED);
});

test('ipv4: parse gives the value, emit(parse(x)) == x', () => {
  assert.deepEqual(parseIpv4(FIXED), REPR);
});

test('ipv4: options are padded and covered by the checksum; fragments read back', () => {
  const r = {
    ...REPR,
    options: Uint8Array.from([0x94, 0x04, 0, 0, 0x01]),
    moreFragments: true,
    fragmentOffset: 1480,
    dontFragment: false,
  };
  const b = new Uint8Array(28).fill(0xa5);
  assert.equal(emitIpv4(r, b), 28);
  const v = new Ipv4View().reset(b, 0);
  assert.equal(v.headerLength, 28);
  assert.ok(v.checksumValid());
  assert.equal(v.fragmentOffset, 1480);
  assert.equal(v.moreFragments, true);
  assert.deepEqual(parseIpv4(b).options, Uint8Array.from([0x94, 0x04, 0, 0, 0x01, 0, 0, 0]));
});

test('ipv4: short and lying headers are reported with the field they came from', () => {
  assert.equal(checkIpv4(FIXED, 0, 19)?.kind, 'truncated');
  const lying = Uint8Array.from(FIXED);
  lying[0] = 0x4f; // ihl 15 = 60 bytes
  const f = checkIpv4(lying, 0, 20);
  assert.equal(f?.kind, 'truncated');
  assert.equal(f?.field, 'ihl');
  assert.equal(f?.needed, 60);
  const small = Uint8Array.from(FIXED);
  small[0] = 0x44;
  assert.match(checkIpv4(small, 0, 20)!.reason, /header length 16/);
  const tso = Uint8Array.from(FIXED);
  tso[2] = 0;
  tso[3] = 0; // total length 0: TCP segmentation offload seen on the sender
  assert.equal(checkIpv4(tso, 0, 20), null);
  const shortTotal = Uint8Array.from(FIXED);
  shortTotal[3] = 10;
  assert.equal(checkIpv4(shortTotal, 0, 20)?.kind, 'malformed');
  assert.throws(() => parseIpv4(FIXED.subarray(0, 10)), DecodeError);
});

test('ipv4: parse/emit round trip (property)', () => {
  const addr = fc.uint8Array({ minLength: 4, maxLength: 4 });
  fc.assert(
    fc.property(
      fc.record({
        tos: fc.integer({ min: 0, max: 255 }),
        id: fc.integer({ min: 0, max: 0xffff }),
        dontFragment: fc.boolean(),
        moreFragments: fc.boolean(),
        fragmentOffset: fc.integer({ min: 0, max: 0x1fff }).map((x) => x * 8),
        ttl: fc.integer({ min: 0, max: 255 }),
        protocol: fc.integer({ min: 0, max: 255 }),
        src: addr,
        dst: addr,
        options: fc.integer({ min: 0, max: 10 }).map((n) => new Uint8Array(n * 4).fill(1)),
      }),
      (partial) => {
        const r: Ipv4Repr = { ...partial, totalLength: 20 + partial.options.length };
        const b = new Uint8Array(60);
        emitIpv4(r, b);
        assert.deepEqual(parseIpv4(b), r);
        assert.ok(new Ipv4View().reset(b, 0).checksumValid());
      },
    ),
  );
});

test('ipv4: check never throws and a passing check makes every accessor safe (property)', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 80 }), fc.nat(8), (bytes, off) => {
      const o = Math.min(off, bytes.length);
      const f = checkIpv4(bytes, o, bytes.length - o);
      if (f) return;
      const v = new Ipv4View().reset(bytes, o);
      assert.ok(o + v.headerLength <= bytes.length);
      assert.ok(v.totalLength >= v.headerLength);
    }),
  );
});
