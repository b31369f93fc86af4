import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseIp } from '@p2pwall/core';
import { insideAny, parseCidr, parseCidrList } from './inside.js';

test('inside: CIDR lists of both families, bare addresses, malformed ones refused', () => {
  const l = parseCidrList('192.0.2.0/24, 2001:db8::/32,203.0.113.9')!;
  assert.equal(l.length, 3);
  const has = (a: string) => insideAny(l, parseIp(a)!);
  assert.equal(has('192.0.2.77'), true);
  assert.equal(has('192.0.3.1'), false);
  assert.equal(has('2001:db8:1::5'), true);
  assert.equal(has('2001:db9::5'), false);
  assert.equal(has('203.0.113.9'), true);
  assert.equal(has('203.0.113.10'), false);
  assert.equal(insideAny([parseCidr('198.51.100.128/25')!], parseIp('198.51.100.127')!), false);
  for (const bad of ['192.0.2.0/33', 'x/8', '', '192.0.2.0/24,', '2001:db8::/129'])
    assert.equal(parseCidrList(bad), null, bad);
});
