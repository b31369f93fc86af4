import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { be16 } from '../../bytes/endian.js';
import { parseIp } from '../../wire/address.js';
import { encodeNftTuple, NFT_TUPLE4, NFT_TUPLE6 } from './tuple-key.js';

const v4 = fc.ipV4();
const v6 = fc.ipV6();
const port = fc.integer({ min: 0, max: 0xffff });
const proto = fc.integer({ min: 0, max: 0xff });

test('a tuple lands field by field in 4-byte registers, the padding zero, whatever was there', () => {
  for (const [type, addr] of [
    [NFT_TUPLE4, v4],
    [NFT_TUPLE6, v6],
  ] as const)
    fc.assert(
      fc.property(proto, addr, port, addr, port, (p, src, sport, dst, dport) => {
        const out = new Uint8Array(type.length + 8).fill(0xaa);
        assert.equal(
          encodeNftTuple(type, { proto: p, src, srcPort: sport, dst, dstPort: dport }, out, 4),
          null,
        );
        const a = type.addressLength;
        const k = out.subarray(4, 4 + type.length);
        assert.deepEqual([...k.subarray(0, 4)], [p, 0, 0, 0]);
        assert.deepEqual([...k.subarray(4, 4 + a)], [...parseIp(src)!]);
        assert.equal(be16(k, 4 + a), sport);
        assert.deepEqual([...k.subarray(6 + a, 8 + a)], [0, 0]);
        assert.deepEqual([...k.subarray(8 + a, 8 + 2 * a)], [...parseIp(dst)!]);
        assert.equal(be16(k, 8 + 2 * a), dport);
        assert.deepEqual([...k.subarray(10 + 2 * a)], [0, 0]);
        // nothing outside the key was touched
        assert.deepEqual(
          [...out.subarray(0, 4), ...out.subarray(4 + type.length)],
          Array(8).fill(0xaa),
        );
      }),
    );
});

test('a tuple that does not fit says why', () => {
  const out = new Uint8Array(44);
  const t = { proto: 6, src: '192.0.2.1', srcPort: 1, dst: '192.0.2.2', dstPort: 2 };
  assert.equal(
    encodeNftTuple(NFT_TUPLE6, t, out, 0),
    '192.0.2.1 -> 192.0.2.2 is not a pair of IPv6 addresses',
  );
  assert.equal(
    encodeNftTuple(NFT_TUPLE4, { ...t, dst: '2001:db8::1' }, out, 0),
    '192.0.2.1 -> 2001:db8::1 is not a pair of IPv4 addresses',
  );
  assert.equal(
    encodeNftTuple(NFT_TUPLE4, { ...t, src: 'x' }, out, 0),
    'x -> 192.0.2.2 is not a pair of IP addresses',
  );
  assert.equal(
    encodeNftTuple(NFT_TUPLE4, { ...t, proto: 256 }, out, 0),
    'protocol 256 is not in 0..255',
  );
  assert.equal(
    encodeNftTuple(NFT_TUPLE4, { ...t, dstPort: -1 }, out, 0),
    'destination port -1 is not in 0..65535',
  );
});

test("the key types carry nft's datatype ids, packed 6 bits a field", () => {
  assert.equal(NFT_TUPLE4.typeId, 0x0c1cd1cd);
  assert.equal(NFT_TUPLE6.typeId, 0x0c20d20d);
});
