import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { AttrTable, checkAttrs, forEachAttr } from './attr.js';
import { NLA_F_NESTED } from './constants.js';
import { NetlinkDecodeError, netlinkFaultMessage } from './errors.js';
import { NlWriter } from './writer.js';

// CTA_TUPLE_ORIG of a real IPv4 TCP entry (kernel 6.18): nested IP (v4 src/dst) and PROTO
// (num 6, sport 58976, dport 20000), each with NLA_F_NESTED set as nla_nest_start does.
const TUPLE =
  '340001801400018008000100c000020a08000200c633640a1c00028005000100060000000600020' +
  '0e6600000060003004e200000';

test('parses a real nested tuple: types masked, payloads located, nested levels separate', () => {
  const b = Buffer.from(TUPLE, 'hex');
  const top = new AttrTable(3);
  assert.equal(top.parse(b, 0, b.length), null);
  assert.ok(top.has(1));
  const tuple = new AttrTable(3);
  assert.ok(top.nested(1, tuple));
  const ip = new AttrTable(4);
  assert.ok(tuple.nested(1, ip));
  assert.deepEqual([...ip.bytes(1)!], [192, 0, 2, 10]);
  assert.deepEqual([...ip.bytes(2)!], [198, 51, 100, 10]);
  const proto = new AttrTable(9);
  assert.ok(tuple.nested(2, proto));
  assert.equal(proto.u8(1), 6);
  assert.equal(proto.be16(2), 58976);
  assert.equal(proto.be16(3), 20000);
  assert.equal(proto.has(4), false);
  assert.equal(proto.be16(4, -1), -1);
});

test('forEachAttr reports the raw type with its flag bits', () => {
  const b = Buffer.from(TUPLE, 'hex');
  const raw: number[] = [];
  forEachAttr(b, 0, b.length, (type, _o, _l, rawType) => raw.push(type, rawType));
  assert.deepEqual(raw, [1, 1 | NLA_F_NESTED]);
});

test('a lying nla_len is caught with its offset, and the table is left empty', () => {
  const b = Buffer.from(TUPLE, 'hex');
  b.writeUInt16LE(0x60, 0);
  const t = new AttrTable(3);
  const fault = t.parse(b, 0, b.length);
  assert.deepEqual(fault, {
    kind: 'malformed',
    offset: 0,
    problem: { kind: 'attribute-beyond-data', at: 0, attrType: 1, length: 96, available: 52 },
  });
  assert.match(netlinkFaultMessage(fault!), /claims 96 bytes, 52 left/);
  assert.equal(t.has(1), false);
  assert.throws(() => t.parseOrThrow(b, 0, b.length), NetlinkDecodeError);
  b.writeUInt16LE(2, 0);
  const below = checkAttrs(b, 0, b.length);
  assert.deepEqual(below?.problem, { kind: 'attribute-length-below-header', at: 0, length: 2 });
  assert.match(netlinkFaultMessage(below!), /below the header size/);
});

test('types above the table size (newer kernels) are skipped', () => {
  const w = new NlWriter();
  w.begin(0x100, 0, 1).u8(2, 5).be32(40, 7);
  const b = w.finish();
  const t = new AttrTable(3).parseOrThrow(b, 16, b.length);
  assert.equal(t.u8(2), 5);
  assert.equal(t.has(40), false);
});

const attrValue = fc.oneof(
  fc.record({ kind: fc.constant('u8' as const), v: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('be16' as const), v: fc.integer({ min: 0, max: 0xffff }) }),
  fc.record({ kind: fc.constant('be32' as const), v: fc.integer({ min: 0, max: 0xffffffff }) }),
  fc.record({ kind: fc.constant('u32h' as const), v: fc.integer({ min: 0, max: 0xffffffff }) }),
  fc.record({
    kind: fc.constant('be64' as const),
    v: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
  }),
  fc.record({ kind: fc.constant('bytes' as const), v: fc.uint8Array({ maxLength: 40 }) }),
  fc.record({
    kind: fc.constant('string' as const),
    v: fc.string({ maxLength: 20 }).filter((s) => !s.includes('\0')),
  }),
);

test('property: attributes written (flat and nested) read back equal', () => {
  fc.assert(
    fc.property(fc.array(attrValue, { minLength: 1, maxLength: 12 }), (values) => {
      const w = new NlWriter(8);
      w.begin(0x100, 0, 1);
      const nest = w.nestStart(1);
      values.forEach((a, i) => {
        const type = i + 1;
        if (a.kind === 'u8') w.u8(type, a.v);
        else if (a.kind === 'be16') w.be16(type, a.v);
        else if (a.kind === 'be32') w.be32(type, a.v);
        else if (a.kind === 'u32h') w.u32h(type, a.v);
        else if (a.kind === 'be64') w.be64(type, a.v);
        else if (a.kind === 'bytes') w.bytes(type, a.v);
        else w.string(type, a.v);
      });
      w.nestEnd(nest);
      const b = w.finish();
      const outer = new AttrTable(1).parseOrThrow(b, 16, b.length);
      const inner = new AttrTable(12);
      assert.ok(outer.nested(1, inner));
      values.forEach((a, i) => {
        const type = i + 1;
        if (a.kind === 'u8') assert.equal(inner.u8(type), a.v);
        else if (a.kind === 'be16') assert.equal(inner.be16(type), a.v);
        else if (a.kind === 'be32') assert.equal(inner.be32(type), a.v);
        else if (a.kind === 'u32h') assert.equal(inner.u32h(type), a.v);
        else if (a.kind === 'be64') assert.equal(inner.be64(type), a.v);
        else if (a.kind === 'bytes')
          assert.deepEqual(Uint8Array.from(inner.bytes(type)!), Uint8Array.from(a.v));
        else assert.equal(inner.string(type), a.v);
      });
    }),
  );
});
