import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isIPv4 } from 'node:net';
import fc from 'fast-check';
import { formatIp, parseIp, parseIpInto } from './address.js';
import { IPPROTO, protocolName } from './ip-proto.js';

// parseIp reads dotted quads with a loop of its own; it must accept exactly what node:net's
// isIPv4 (inet_pton's grammar) accepts, and give the four numbers
function reference(text: string): number[] | null {
  return isIPv4(text) ? text.split('.').map(Number) : null;
}

function ipv4Bytes(text: string): number[] | null {
  const b = parseIp(text);
  return b && b.length === 4 ? [...b] : null;
}

test('parseIp: dotted quads as isIPv4 reads them, on near-misses too (property)', () => {
  // digits, dots and the odd other character, so that most strings are near an address
  const near = fc
    .array(
      fc.constantFrom(
        '0',
        '1',
        '2',
        '5',
        '9',
        '25',
        '255',
        '256',
        '00',
        '.',
        '.',
        'a',
        ' ',
        '-',
        ':',
      ),
      {
        maxLength: 12,
      },
    )
    .map((parts) => parts.join(''));
  const quads = fc
    .array(
      fc.oneof(fc.integer({ min: 0, max: 300 }).map(String), fc.constantFrom('01', '007', '')),
      {
        minLength: 3,
        maxLength: 5,
      },
    )
    .map((parts) => parts.join('.'));
  fc.assert(
    fc.property(fc.oneof(near, quads, fc.string({ maxLength: 16 })), (text) => {
      assert.deepEqual(ipv4Bytes(text), reference(text), JSON.stringify(text));
    }),
    { numRuns: 20_000 },
  );
});

test('parseIp: every IPv4 address round-trips through its text (property)', () => {
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 4, maxLength: 4 }), (b) => {
      assert.deepEqual(parseIp(formatIp(b)), b);
    }),
  );
});

test('parseIp: edges of the dotted quad', () => {
  assert.deepEqual(ipv4Bytes('0.0.0.0'), [0, 0, 0, 0]);
  assert.deepEqual(ipv4Bytes('255.255.255.255'), [255, 255, 255, 255]);
  for (const bad of [
    '256.0.0.1',
    '1.2.3',
    '1.2.3.4.',
    '.1.2.3.4',
    '01.2.3.4',
    '1..2.3',
    '1.2.3.4 ',
    '1234.1.1.1',
  ])
    assert.equal(parseIp(bad), null, bad);
  // IPv6, IPv4-mapped and zones still go the IPv6 way
  assert.equal(parseIp('2001:db8::1')!.length, 16);
  assert.deepEqual([...parseIp('::ffff:192.0.2.1')!.subarray(10)], [0xff, 0xff, 192, 0, 2, 1]);
});

test('parseIpInto: writes where asked, or nothing (property)', () => {
  fc.assert(
    fc.property(fc.string({ maxLength: 16 }), fc.nat(4), (text, off) => {
      const out = new Uint8Array(24).fill(0xa5);
      const len = parseIpInto(text, out, off);
      const b = parseIp(text);
      assert.equal(len, b ? b.length : 0);
      const want = new Uint8Array(24).fill(0xa5);
      if (b) want.set(b, off);
      assert.deepEqual(out, want);
    }),
  );
  const out = new Uint8Array(20);
  assert.equal(parseIpInto('198.51.100.7', out, 3), 4);
  assert.deepEqual([...out.subarray(3, 7)], [198, 51, 100, 7]);
  assert.equal(parseIpInto('2001:db8::7', out, 4), 16);
  assert.equal(out[19], 7);
  assert.equal(parseIpInto('198.51.100.256', out, 0), 0);
});

test('protocolName: each number its first IPPROTO name, others as digits', () => {
  const first = new Map<number, string>();
  for (const [name, n] of Object.entries(IPPROTO))
    if (!first.has(n)) first.set(n, name.toLowerCase());
  for (let n = 0; n < 256; n++) assert.equal(protocolName(n), first.get(n) ?? String(n));
  assert.equal(protocolName(6), 'tcp');
  assert.equal(protocolName(300), '300');
});
