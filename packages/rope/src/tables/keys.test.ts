import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { buildTcpPacket, buildUdpPacket, formatIp, Packet, TCP_SYN } from '@p2pwall/core';
import { addressKey, endpointKey, endpointKeyOf, keyText, splitEndpointKey } from './keys.js';

function decoded(buf: Uint8Array): Packet {
  const p = new Packet();
  assert.ok(p.decode(buf, 0, buf.length));
  return p;
}

test('table keys: address and endpoint keys of either end, IPv4 and IPv6', () => {
  const v4 = decoded(
    buildUdpPacket({ src: '192.0.2.10', dst: '198.51.100.7', srcPort: 6881, dstPort: 51413 }),
  );
  assert.equal(keyText(addressKey(v4, 'src')), '192.0.2.10');
  assert.equal(keyText(endpointKey(v4, 'dst')), '198.51.100.7:51413');
  assert.equal(endpointKey(v4, 'dst'), '\xc6\x33\x64\x07\xc8\xd5', 'the compact peer form');
  const v6 = decoded(
    buildTcpPacket({
      src: '2001:db8::1',
      dst: '2001:db8:0:1::20',
      srcPort: 443,
      dstPort: 6881,
      flags: TCP_SYN,
    }),
  );
  assert.equal(keyText(addressKey(v6, 'src')), '2001:db8::1');
  assert.equal(keyText(endpointKey(v6, 'dst')), '[2001:db8:0:1::20]:6881');
  assert.equal(endpointKey(v6, 'src').length, 18);
  assert.equal(keyText('abc'), '616263', 'other shapes as hex');
});

test('table keys: the packet’s bytes as latin1, whatever the addresses and ports (property)', () => {
  const latin1 = (bytes: Uint8Array) => Buffer.from(bytes).toString('latin1');
  const port = fc.integer({ min: 0, max: 65535 });
  fc.assert(
    fc.property(
      fc.boolean(),
      fc.uint8Array({ minLength: 16, maxLength: 16 }),
      fc.uint8Array({ minLength: 16, maxLength: 16 }),
      port,
      port,
      fc.boolean(),
      (v6, s, d, sp, dp, udp) => {
        const n = v6 ? 16 : 4;
        const [src, dst] = [s, d].map((a) => formatIp(a.subarray(0, n), 0, n));
        const buf = udp
          ? buildUdpPacket({ src, dst, srcPort: sp, dstPort: dp })
          : buildTcpPacket({ src, dst, srcPort: sp, dstPort: dp, flags: TCP_SYN });
        const p = decoded(buf);
        const be = (x: number) => [x >>> 8, x & 0xff];
        assert.equal(addressKey(p, 'src'), latin1(s.subarray(0, n)));
        assert.equal(addressKey(p, 'dst'), latin1(d.subarray(0, n)));
        assert.equal(
          endpointKey(p, 'src'),
          latin1(Uint8Array.from([...s.subarray(0, n), ...be(sp)])),
        );
        assert.equal(
          endpointKey(p, 'dst'),
          latin1(Uint8Array.from([...d.subarray(0, n), ...be(dp)])),
        );
      },
    ),
  );
});

test('table keys: keys from address bytes equal the packet’s and split back (property)', () => {
  fc.assert(
    fc.property(
      fc.boolean(),
      fc.uint8Array({ minLength: 16, maxLength: 16 }),
      fc.option(fc.integer({ min: 0, max: 65535 })),
      (v6, a, port) => {
        const n = v6 ? 16 : 4;
        const addr = a.subarray(0, n);
        const address = formatIp(addr, 0, n);
        const p = decoded(
          buildUdpPacket({ src: address, dst: address, srcPort: port ?? 1, dstPort: 2 }),
        );
        const k = endpointKeyOf(addr, port);
        assert.equal(k, port === null ? addressKey(p, 'src') : endpointKey(p, 'src'));
        assert.deepEqual(splitEndpointKey(k), { family: v6 ? 6 : 4, address, port });
      },
    ),
  );
  assert.equal(splitEndpointKey('abc'), null, 'neither shape');
});
