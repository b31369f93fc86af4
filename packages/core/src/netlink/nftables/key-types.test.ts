import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeNftKey, encodeNftKey, formatNftKey, nftKeyType } from './key-types.js';

test('key layouts: addresses in network order, a port in its own register', () => {
  const out = new Uint8Array(20).fill(0xee);
  assert.equal(
    encodeNftKey(
      nftKeyType('ipv6_addr . inet_service'),
      { address: '2001:db8::1', port: 53 },
      out,
      0,
    ),
    null,
  );
  assert.equal(
    Buffer.from(out).toString('hex'),
    '20010db8000000000000000000000001' + '0035' + '0000',
  );
  const key = decodeNftKey(nftKeyType('ipv6_addr . inet_service'), out, 0);
  assert.deepEqual(key, { address: '2001:db8::1', port: 53 });
  assert.equal(formatNftKey(key), '2001:db8::1 . 53');
});

test('a key that does not fit its type says why', () => {
  const out = new Uint8Array(20);
  const v4 = nftKeyType('ipv4_addr');
  const v4p = nftKeyType('ipv4_addr . inet_service');
  assert.equal(
    encodeNftKey(v4, { address: 'example.org' }, out, 0),
    '"example.org" is not an IP address',
  );
  assert.equal(
    encodeNftKey(v4, { address: '192.0.2.1', port: 80 }, out, 0),
    '192.0.2.1:80 has a port but the set holds ipv4_addr',
  );
  assert.equal(
    encodeNftKey(v4p, { address: '192.0.2.1' }, out, 0),
    '192.0.2.1 needs a port 0..65535 (the set holds ipv4_addr . inet_service)',
  );
  assert.equal(
    encodeNftKey(v4p, { address: '192.0.2.1', port: 70000 }, out, 0),
    '192.0.2.1 needs a port 0..65535 (the set holds ipv4_addr . inet_service)',
  );
  assert.equal(
    encodeNftKey(nftKeyType('ipv6_addr'), { address: '192.0.2.1' }, out, 0),
    '192.0.2.1 is not an IPv6 address (the set holds ipv6_addr)',
  );
});
