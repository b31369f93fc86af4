import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { be16, be32 } from '../bytes/endian.js';
import type { Field } from './field.js';
import { IPV4_FIELD, IPV4_MIN_HEADER, Ipv4View } from './ipv4.js';
import { IPV6_FIELD, IPV6_HEADER, Ipv6View } from './ipv6.js';
import { TCP_FIELD, TCP_MIN_HEADER, TcpView } from './tcp.js';
import { UDP_FIELD, UDP_HEADER, UdpView } from './udp.js';

const headers: [string, Record<string, Field>, number][] = [
  ['ipv4', IPV4_FIELD, IPV4_MIN_HEADER],
  ['ipv6', IPV6_FIELD, IPV6_HEADER],
  ['tcp', TCP_FIELD, TCP_MIN_HEADER],
  ['udp', UDP_FIELD, UDP_HEADER],
];

test('the named fields of each fixed header follow each other without gap or overlap', () => {
  for (const [name, fields, length] of headers) {
    let at = 0;
    for (const [field, f] of Object.entries(fields)) {
      assert.equal(f.start, at, `${name} ${field} starts where the field before ends`);
      assert.ok(f.end > f.start, `${name} ${field} is not empty`);
      at = f.end;
    }
    assert.equal(at, length, `${name}: the fields cover the fixed header`);
  }
});

test('each accessor reads the bytes of its named field (any header bytes, any offset)', () => {
  const word = (b: Uint8Array, off: number, f: Field) =>
    f.end - f.start === 4 ? be32(b, off + f.start) : be16(b, off + f.start);
  fc.assert(
    fc.property(
      fc.uint8Array({ minLength: 48, maxLength: 48 }),
      fc.integer({ min: 0, max: 8 }),
      (b, off) => {
        const t = new TcpView().reset(b, off);
        assert.equal(t.srcPort, word(b, off, TCP_FIELD.SRC_PORT));
        assert.equal(t.dstPort, word(b, off, TCP_FIELD.DST_PORT));
        assert.equal(t.seq, word(b, off, TCP_FIELD.SEQ));
        assert.equal(t.ack, word(b, off, TCP_FIELD.ACK));
        assert.equal(t.flags, b[off + TCP_FIELD.FLAGS.start]);
        assert.equal(t.window, word(b, off, TCP_FIELD.WINDOW));
        assert.equal(t.checksum, word(b, off, TCP_FIELD.CHECKSUM));
        assert.equal(t.urgentPointer, word(b, off, TCP_FIELD.URGENT_POINTER));
        const u = new UdpView().reset(b, off);
        assert.equal(u.length, word(b, off, UDP_FIELD.LENGTH));
        assert.equal(u.checksum, word(b, off, UDP_FIELD.CHECKSUM));
        const v4 = new Ipv4View().reset(b, off);
        assert.equal(v4.totalLength, word(b, off, IPV4_FIELD.TOTAL_LENGTH));
        assert.equal(v4.id, word(b, off, IPV4_FIELD.IDENT));
        assert.equal(v4.protocol, b[off + IPV4_FIELD.PROTOCOL.start]);
        assert.equal(v4.srcOffset, off + IPV4_FIELD.SRC_ADDR.start);
        const v6 = new Ipv6View().reset(b, off);
        assert.equal(v6.payloadLength, word(b, off, IPV6_FIELD.PAYLOAD_LENGTH));
        assert.equal(v6.nextHeader, b[off + IPV6_FIELD.NEXT_HEADER.start]);
        assert.equal(
          v6.trafficClass,
          ((b[off] & 0x0f) << 4) | (b[off + 1] >> 4),
          'version, traffic class, flow label',
        );
        assert.equal(v6.dstOffset, off + IPV6_FIELD.DST_ADDR.start);
      },
    ),
  );
});
