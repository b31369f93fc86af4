import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Packet } from './packet.js';
import { numbersOfHeldPacket, rstAckPacket } from './reset.js';
import { TCP_ACK, TCP_RST } from './tcp.js';
import { transportChecksumValid } from './build.js';

test('a held packet: its receiver expects its SEQ, its sender the number it acknowledges', () => {
  assert.deepEqual(numbersOfHeldPacket(true, 10, 20), { initiator: 20, responder: 10 });
  assert.deepEqual(numbersOfHeldPacket(false, 10, 20), { initiator: 10, responder: 20 });
  assert.deepEqual(numbersOfHeldPacket(false, -1, 2 ** 32 + 5), {
    initiator: 0xffffffff,
    responder: 5,
  });
});

test('rstAckPacket: RST|ACK with exactly the numbers, no options, window 0, valid checksum', () => {
  fc.assert(
    fc.property(
      fc.boolean(),
      fc.integer({ min: 0, max: 0xffffffff }),
      fc.integer({ min: 0, max: 0xffffffff }),
      fc.integer({ min: 1, max: 65535 }),
      fc.integer({ min: 1, max: 65535 }),
      (v6, seq, ack, sport, dport) => {
        const b = rstAckPacket(
          v6
            ? { src: '2001:db8::1', srcPort: sport, dst: '2001:db8::2', dstPort: dport }
            : { src: '192.0.2.1', srcPort: sport, dst: '198.51.100.2', dstPort: dport },
          seq,
          ack,
        );
        const p = new Packet();
        assert.ok(p.decode(b, 0, b.length));
        assert.equal(p.version, v6 ? 6 : 4);
        assert.equal(p.tcp.flags, TCP_RST | TCP_ACK);
        assert.equal(p.tcp.seq, seq);
        assert.equal(p.tcp.ack, ack);
        assert.equal(p.tcp.headerLength, 20);
        assert.equal(p.tcp.window, 0);
        assert.equal(p.srcPort, sport);
        assert.equal(p.dstPort, dport);
        assert.equal(p.payloadLength, 0);
        assert.ok(transportChecksumValid(b, 0));
      },
    ),
  );
});
