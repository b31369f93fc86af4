import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { canonicalAddress, formatEndpointText, parseEndpoint, parsePort } from './address.js';

const ok = (text: string, allowPort = true) => {
  const p = parseEndpoint(text, allowPort);
  assert.ok(p.ok, `${text}: ${!p.ok && p.message}`);
  return p.endpoint;
};
const refused = (text: string, allowPort = true) => {
  const p = parseEndpoint(text, allowPort);
  assert.ok(!p.ok, `${text} should be refused`);
  assert.ok(!p.message.includes('\n'), 'one line');
  return p.message;
};

test('IPv4 with and without a port', () => {
  assert.deepEqual(ok('192.0.2.7'), { address: '192.0.2.7', family: 4, port: null });
  assert.deepEqual(ok('192.0.2.7:6881'), { address: '192.0.2.7', family: 4, port: 6881 });
  assert.deepEqual(ok('0.0.0.0:1'), { address: '0.0.0.0', family: 4, port: 1 });
  assert.deepEqual(ok('255.255.255.255:65535').port, 65535);
});

test('IPv6 bare, in brackets, with a port; canonical RFC 5952 text', () => {
  assert.deepEqual(ok('2001:DB8:0:0::7'), { address: '2001:db8::7', family: 6, port: null });
  assert.deepEqual(ok('[2001:db8::7]:6881'), { address: '2001:db8::7', family: 6, port: 6881 });
  assert.deepEqual(ok('[2001:db8::7]'), { address: '2001:db8::7', family: 6, port: null });
  assert.equal(ok('::ffff:192.0.2.1').address, '::ffff:192.0.2.1');
  assert.equal(ok('::').address, '::');
});

test('refuses what is not strictly an address and a port', () => {
  for (const bad of [
    '',
    '1.2.3',
    '1.2.3.4.5',
    '256.1.1.1',
    '01.2.3.4',
    '1.2.3.4:',
    '1.2.3.4:0',
    '1.2.3.4:65536',
    '1.2.3.4:080',
    '1.2.3.4:+80',
    '1.2.3.4:8 0',
    ' 1.2.3.4',
    '1.2.3.4 ',
    'example.com',
    'example.com:80',
    '[1.2.3.4]:80',
    '[2001:db8::7',
    '[2001:db8::7]80',
    '[2001:db8::7]:',
    '2001:db8::7:80:',
    '2001:db8:::7',
    'fe80::1%eth0',
    '[fe80::1%eth0]:80',
    '1:2:3:4:5:6:7:8:9',
  ])
    refused(bad);
  assert.match(refused('1.2.3.4:0'), /ports are 1-65535/);
  assert.match(refused('fe80::1%eth0'), /zone id/);
  assert.match(refused('[1.2.3.4]:80'), /IPv4 address in brackets/);
});

test('a client address takes no port', () => {
  assert.equal(ok('192.0.2.10', false).port, null);
  assert.match(refused('192.0.2.10:80', false), /has a port/);
  assert.match(refused('[2001:db8::1]:80', false), /has a port/);
});

test('a long bad argument is shortened in the message', () => {
  const m = refused('x'.repeat(5000));
  assert.ok(m.length < 120, m);
});

test('parsePort and canonicalAddress', () => {
  assert.equal(parsePort('1'), 1);
  assert.equal(parsePort('65535'), 65535);
  for (const p of ['0', '65536', '007', '-1', '1e3', '', '99999999'])
    assert.equal(parsePort(p), null);
  assert.equal(canonicalAddress('2001:0db8:0000:0000:0000:0000:0000:0001')?.address, '2001:db8::1');
  assert.equal(canonicalAddress('192.0.2.1:80'), null);
});

test('format and parse are inverse for every address and port', () => {
  const v4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((b) => b.join('.'));
  const v6 = fc
    .array(fc.nat(0xffff), { minLength: 8, maxLength: 8 })
    .map((w) => w.map((x) => x.toString(16)).join(':'));
  fc.assert(
    fc.property(fc.oneof(v4, v6), fc.option(fc.integer({ min: 1, max: 65535 })), (a, port) => {
      const first = ok(port === null ? a : a.includes(':') ? `[${a}]:${port}` : `${a}:${port}`);
      assert.equal(first.port, port);
      assert.deepEqual(ok(formatEndpointText(first)), first);
    }),
  );
});

test('parseEndpoint never throws', () => {
  fc.assert(
    fc.property(fc.string(), (s) => {
      parseEndpoint(s);
      parseEndpoint(s, false);
    }),
  );
});
