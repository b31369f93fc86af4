import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Packet, TCP_ACK, TCP_RST, TCP_SYN, transportChecksumValid } from '@p2pwall/core';
import { oldByteProbe, OLD_BYTE_DISTANCE, rstAck, synProbe } from './forge.js';

const to4 = { src: '198.51.100.10', sport: 80, dst: '192.0.2.10', dport: 40000 };
const to6 = { src: '2001:db8:2::10', sport: 80, dst: '2001:db8:1::10', dport: 40000 };

function read(b: Buffer) {
  const p = new Packet();
  assert.ok(p.decode(b, 0, b.length));
  return { p, t: p.tcp };
}

test('RST|ACK: the given numbers, no options, window 0, valid checksum, IPv4 and IPv6', () => {
  for (const to of [to4, to6]) {
    const b = rstAck(to, 0xfffffff0, 12345);
    const { p, t } = read(b);
    assert.equal(p.version, to === to4 ? 4 : 6);
    assert.equal(t.flags, TCP_RST | TCP_ACK);
    assert.equal(t.seq, 0xfffffff0);
    assert.equal(t.ack, 12345);
    assert.equal(t.headerLength, 20);
    assert.equal(t.window, 0);
    assert.equal(p.payloadLength, 0);
    assert.equal(p.srcPort, 80);
    assert.equal(p.dstPort, 40000);
    assert.ok(transportChecksumValid(b, 0));
  }
});

test('the old-byte probe carries one byte 2^30 below the receive window (wrapping)', () => {
  const b = oldByteProbe(to4, 0x10, 777);
  const { p, t } = read(b);
  assert.equal(p.payloadLength, 1);
  assert.equal(t.seq, (0x10 - OLD_BYTE_DISTANCE) >>> 0);
  assert.equal(t.flags, TCP_ACK);
  assert.ok(transportChecksumValid(b, 0));
  assert.equal(read(synProbe(to6, 5)).t.flags, TCP_SYN);
});
