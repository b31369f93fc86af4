import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { buildIpPacket, buildUdpPacket } from './build.js';
import { formatEndpoint } from './address.js';
import { Packet } from './packet.js';
import { capwapInner, greInner, gtpuInner } from './tunnel.js';

const inner = buildUdpPacket({
  src: '10.0.0.1',
  dst: '10.0.0.2',
  srcPort: 1111,
  dstPort: 2222,
  payload: 'inner',
});
const cat = (...parts: ArrayLike<number>[]) => Uint8Array.from(parts.flatMap((p) => Array.from(p)));
const p = new Packet();
const innerFlow = () =>
  `${formatEndpoint(p.buf, p.srcOffset, 4, p.srcPort)} ${formatEndpoint(p.buf, p.dstOffset, 4, p.dstPort)}`;

test('GRE: plain, with key and sequence, and PPTP enhanced GRE carrying PPP', () => {
  for (const gre of [
    cat([0x00, 0x00, 0x08, 0x00], inner),
    cat([0x30, 0x00, 0x08, 0x00, 0, 0, 0, 1, 0, 0, 0, 2], inner),
    cat(
      [0x30, 0x81, 0x88, 0x0b, 0, 4, 0, 1, 0, 0, 0, 9, 0, 0, 0, 8, 0xff, 0x03, 0x00, 0x21],
      inner,
    ),
  ]) {
    const outer = buildIpPacket({ src: '192.0.2.1', dst: '192.0.2.2', protocol: 47, payload: gre });
    assert.ok(p.decode(outer, 0, outer.length));
    assert.equal(p.tunnelDepth, 1);
    assert.equal(innerFlow(), '10.0.0.1:1111 10.0.0.2:2222');
  }
  // GRE carrying something else stays an outer GRE packet
  const other = buildIpPacket({
    src: '192.0.2.1',
    dst: '192.0.2.2',
    protocol: 47,
    payload: cat([0, 0, 0x65, 0x58], new Uint8Array(20)),
  });
  assert.ok(p.decode(other, 0, other.length));
  assert.equal(p.tunnelDepth, 0);
  assert.equal(p.protocol, 47);
});

test('GTP-U: a G-PDU is unwrapped (with and without optional fields and extension headers); GTP-C is not', () => {
  const gpdu = cat([0x30, 0xff, 0, inner.length, 0, 0, 0, 7], inner);
  const withExt = cat(
    [0x34, 0xff, 0, inner.length + 8, 0, 0, 0, 7, 0, 1, 0, 0x85, 1, 0x10, 0x05, 0x00],
    inner,
  );
  for (const payload of [gpdu, withExt]) {
    const outer = buildUdpPacket({
      src: '192.0.2.1',
      dst: '192.0.2.2',
      srcPort: 2152,
      dstPort: 2152,
      payload,
    });
    assert.ok(p.decode(outer, 0, outer.length));
    assert.equal(p.tunnelDepth, 1);
    assert.equal(innerFlow(), '10.0.0.1:1111 10.0.0.2:2222');
    assert.equal(p.payloadLength, 5);
  }
  const echo = buildUdpPacket({
    src: '192.0.2.1',
    dst: '192.0.2.2',
    srcPort: 2152,
    dstPort: 2152,
    payload: cat([0x32, 0x01, 0, 4, 0, 0, 0, 0, 0, 1, 0, 0]),
  });
  assert.ok(p.decode(echo, 0, echo.length));
  assert.equal(p.tunnelDepth, 0);
  assert.equal(p.dstPort, 2152);
});

test('CAPWAP data: 802.11 + LLC/SNAP, frame control in either byte order', () => {
  const capwap = [0x00, 0x20, 0x03, 0x20, 0, 0, 0, 0, 0x04, 0xbf, 0x23, 0, 0, 0, 0, 0];
  const wlan = (fc: number[]) => [...fc, 0x2c, 0x00, ...new Array(18).fill(1), 0x60, 0x30];
  const llc = [0xaa, 0xaa, 0x03, 0, 0, 0, 0x08, 0x00];
  for (const fc of [
    [0x08, 0x11],
    [0x11, 0x08],
  ]) {
    const payload = cat(capwap, wlan(fc), llc, inner);
    const outer = buildUdpPacket({
      src: '192.0.2.1',
      dst: '192.0.2.2',
      srcPort: 41264,
      dstPort: 5247,
      payload,
    });
    assert.ok(p.decode(outer, 0, outer.length));
    assert.equal(p.tunnelDepth, 1, `frame control ${fc}`);
    assert.equal(innerFlow(), '10.0.0.1:1111 10.0.0.2:2222');
  }
});

test('tunnel parsers never read past the end (property)', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 80 }), fc.nat(80), (bytes, cut) => {
      const end = Math.min(bytes.length, cut);
      for (const f of [greInner, gtpuInner, capwapInner]) {
        const r = f(bytes, 0, end);
        assert.ok(r === -1 || (r >= 0 && r < end));
      }
    }),
  );
});
