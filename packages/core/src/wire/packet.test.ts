import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { buildIpPacket, buildTcpPacket, buildUdpPacket, transportChecksumValid } from './build.js';
import { formatEndpoint, formatIp, parseIp } from './address.js';
import { Packet } from './packet.js';
import { TCP_ACK, TCP_PSH } from './tcp.js';
import { internetChecksum } from '../bytes/checksum.js';

const v4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((a) => a.join('.'));
const v6 = fc.uint8Array({ minLength: 16, maxLength: 16 }).map((b) => formatIp(b, 0, 16));
const port = fc.integer({ min: 0, max: 0xffff });
const payload = fc.uint8Array({ maxLength: 300 });

test('build→decode: TCP over IPv4 and IPv6 round-trips every field, checksums verify (property)', () => {
  const pkt = new Packet();
  fc.assert(
    fc.property(
      fc.oneof(fc.tuple(v4, v4), fc.tuple(v6, v6)),
      port,
      port,
      fc.integer({ min: 0, max: 0xffffffff }),
      fc.integer({ min: 0, max: 0xffffffff }),
      fc.integer({ min: 0, max: 255 }),
      payload,
      ([src, dst], sp, dp, seq, ack, flags, data) => {
        const b = buildTcpPacket({
          src,
          dst,
          srcPort: sp,
          dstPort: dp,
          seq,
          ack,
          flags,
          payload: data,
        });
        assert.ok(pkt.decode(b, 0, b.length));
        assert.equal(pkt.fault, null);
        assert.equal(pkt.protocol, 6);
        assert.equal(
          formatIp(b, pkt.srcOffset, pkt.addrLength),
          formatIp(parseIp(src)!, 0, pkt.addrLength),
        );
        assert.equal(
          formatIp(b, pkt.dstOffset, pkt.addrLength),
          formatIp(parseIp(dst)!, 0, pkt.addrLength),
        );
        assert.equal(pkt.srcPort, sp);
        assert.equal(pkt.dstPort, dp);
        assert.equal(pkt.tcp.seq, seq);
        assert.equal(pkt.tcp.ack, ack);
        assert.equal(pkt.tcpFlags, flags);
        assert.equal(pkt.payloadLength, data.length);
        assert.deepEqual(
          Uint8Array.from(b.subarray(pkt.payloadOffset, pkt.payloadOffset + pkt.payloadLength)),
          data,
        );
        assert.ok(transportChecksumValid(b, 0));
        if (pkt.version === 4) assert.equal(internetChecksum(b, 0, 20), 0);
      },
    ),
  );
});

test('build→decode: UDP over IPv4 and IPv6 (property)', () => {
  const pkt = new Packet();
  fc.assert(
    fc.property(
      fc.oneof(fc.tuple(v4, v4), fc.tuple(v6, v6)),
      port,
      port,
      payload,
      ([src, dst], sp, dp, data) => {
        const b = buildUdpPacket({ src, dst, srcPort: sp, dstPort: dp, payload: data });
        assert.ok(pkt.decode(b, 0, b.length));
        assert.equal(pkt.protocol, 17);
        assert.equal(pkt.srcPort, sp);
        assert.equal(pkt.udp.length, 8 + data.length);
        assert.deepEqual(
          Uint8Array.from(b.subarray(pkt.payloadOffset, pkt.payloadOffset + pkt.payloadLength)),
          data,
        );
        assert.ok(transportChecksumValid(b, 0));
      },
    ),
  );
});

test('TCP checksum matches a packet tcpdump verified ("cksum 0x… (correct)")', () => {
  // 192.0.2.1.40000 > 198.51.100.2.80: Flags [P.], seq 1:6, ack 1, win 502, length 5 "hello"
  const b = buildTcpPacket({
    src: '192.0.2.1',
    dst: '198.51.100.2',
    srcPort: 40000,
    dstPort: 80,
    seq: 1,
    ack: 1,
    flags: TCP_PSH | TCP_ACK,
    window: 502,
    payload: 'hello',
    id: 1,
  });
  // independent computation: pseudo header + segment summed by hand
  const seg = b.subarray(20);
  const pseudo = Uint8Array.from([192, 0, 2, 1, 198, 51, 100, 2, 0, 6, 0, seg.length]);
  const all = new Uint8Array(pseudo.length + seg.length);
  all.set(pseudo);
  all.set(seg, pseudo.length);
  assert.equal(internetChecksum(all, 0, all.length), 0);
});

test('decode: link padding is dropped, UDP length shorter than IP payload honoured', () => {
  const b = buildUdpPacket({
    src: '192.0.2.1',
    dst: '192.0.2.2',
    srcPort: 1,
    dstPort: 2,
    payload: 'abc',
  });
  const padded = new Uint8Array(b.length + 15);
  padded.set(b);
  const p = new Packet();
  assert.ok(p.decode(padded, 0, padded.length));
  assert.equal(p.end, b.length);
  assert.equal(p.payloadLength, 3);
});

test('decode: truncated capture keeps headers, flags truncation, clips payload', () => {
  const b = buildTcpPacket({
    src: '192.0.2.1',
    dst: '192.0.2.2',
    srcPort: 1,
    dstPort: 2,
    flags: TCP_ACK,
    payload: 'x'.repeat(100),
  });
  const p = new Packet();
  assert.ok(p.decode(b, 0, 60));
  assert.equal(p.truncated, true);
  assert.equal(p.hasPorts, true);
  assert.equal(p.payloadLength, 20);
  assert.ok(p.decode(b, 0, 30)); // IP fine, TCP header cut
  assert.equal(p.hasPorts, false);
  assert.equal(p.fault?.layer, 'tcp');
  assert.equal(p.decode(b, 0, 10), false);
  assert.equal(p.fault?.layer, 'ipv4');
});

test('decode: IP-in-IP and IPv6-in-IPv4 tunnels are unwrapped to the inner flow', () => {
  const inner = buildUdpPacket({
    src: '10.10.100.25',
    dst: '10.10.101.2',
    srcPort: 62367,
    dstPort: 17000,
    payload: 'x',
  });
  const outer = buildIpPacket({ src: '192.0.2.1', dst: '192.0.2.2', protocol: 4, payload: inner });
  const p = new Packet();
  assert.ok(p.decode(outer, 0, outer.length));
  assert.equal(p.tunnelDepth, 1);
  assert.equal(p.ipOffset, 20);
  assert.equal(formatEndpoint(outer, p.srcOffset, 4, p.srcPort), '10.10.100.25:62367');
  const inner6 = buildUdpPacket({
    src: 'cafe::babe',
    dst: 'dead::beef',
    srcPort: 13000,
    dstPort: 30000,
  });
  const outer6 = buildIpPacket({
    src: '2001:db8::1',
    dst: '2001:db8::2',
    protocol: 41,
    payload: inner6,
  });
  assert.ok(p.decode(outer6, 0, outer6.length));
  assert.equal(formatEndpoint(outer6, p.srcOffset, 16, p.srcPort), '[cafe::babe]:13000');
});

test('decode: later IPv4 fragments carry no ports', () => {
  const b = buildUdpPacket({
    src: '192.0.2.1',
    dst: '192.0.2.2',
    srcPort: 1,
    dstPort: 2,
    payload: 'abcdefgh',
  });
  b[6] = 0x00;
  b[7] = 0x02; // offset 16 bytes
  const p = new Packet();
  assert.ok(p.decode(b, 0, b.length));
  assert.equal(p.laterFragment, true);
  assert.equal(p.hasPorts, false);
  assert.equal(p.payloadOffset, 20);
});

test('address text: RFC 5952 formatting and parsing round trip', () => {
  assert.equal(
    formatIp(parseIp('2001:0db8:0000:0000:0001:0000:0000:0001')!, 0, 16),
    '2001:db8::1:0:0:1',
  );
  assert.equal(formatIp(parseIp('::ffff:192.0.2.1')!, 0, 16), '::ffff:192.0.2.1');
  assert.equal(formatIp(parseIp('::')!, 0, 16), '::');
  assert.equal(parseIp('300.1.1.1'), null);
  assert.equal(parseIp('hello'), null);
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), (b) => {
      assert.deepEqual(parseIp(formatIp(b, 0, 16)), Uint8Array.from(b));
    }),
  );
});
