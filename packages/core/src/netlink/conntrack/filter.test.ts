import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { formatIpv4, formatIpv6 } from '../../wire/address.js';
import { AttrTable } from '../attr.js';
import { NlWriter } from '../writer.js';
import {
  CTA_FILTER,
  CTA_FILTER_FLAG_CTA_IP_SRC,
  CTA_FILTER_FLAG_CTA_PROTO_DST_PORT,
  CTA_FILTER_FLAG_CTA_PROTO_NUM,
  CTA_FILTER_ORIG_FLAGS,
  CTA_FILTER_REPLY_FLAGS,
  CTA_MARK,
  CTA_MARK_MASK,
  CTA_MAX,
  CTA_TUPLE_ORIG,
  CTA_TUPLE_REPLY,
  CTA_ZONE,
} from './constants.js';
import {
  decodeDumpFilter,
  encodeDumpFilter,
  usesTupleFilter,
  type DumpFilter,
  type TupleMatch,
} from './filter.js';
import { decodeTuple } from './tuple.js';

function encoded(f: Parameters<typeof encodeDumpFilter>[1]): AttrTable {
  const w = new NlWriter();
  w.begin(0x101, 0x301, 1).nfgenmsg(2, 0, 0);
  encodeDumpFilter(w, f);
  const b = w.finish();
  return new AttrTable(CTA_MAX).parseOrThrow(b, 20, b.length);
}

test('mark and zone filters become CTA_MARK/CTA_MARK_MASK (big-endian) and CTA_ZONE', () => {
  const t = encoded({ mark: { value: 0x10, mask: 0xff }, zone: 7 });
  assert.equal(t.be32(CTA_MARK), 0x10);
  assert.equal(t.be32(CTA_MARK_MASK), 0xff);
  assert.equal(t.be16(CTA_ZONE), 7);
  assert.equal(t.has(CTA_FILTER), false);
  assert.equal(encoded({ mark: { value: 3 } }).be32(CTA_MARK_MASK), 0xffffffff);
});

test('a tuple filter sends CTA_FILTER flags in host byte order with partial tuples', () => {
  const t = encoded({ orig: { src: '192.0.2.10', proto: 6, dstPort: 80 } });
  const f = new AttrTable(2);
  assert.ok(t.nested(CTA_FILTER, f));
  assert.equal(
    f.u32h(CTA_FILTER_ORIG_FLAGS),
    CTA_FILTER_FLAG_CTA_IP_SRC | CTA_FILTER_FLAG_CTA_PROTO_NUM | CTA_FILTER_FLAG_CTA_PROTO_DST_PORT,
  );
  assert.equal(f.u32h(CTA_FILTER_REPLY_FLAGS), 0);
  assert.equal(t.has(CTA_TUPLE_REPLY), false);
  // the partial tuple carries what the flags name (an address only, no destination)
  assert.throws(
    () =>
      decodeTuple(
        t.buf,
        t.offset(CTA_TUPLE_ORIG),
        t.offset(CTA_TUPLE_ORIG) + t.length(CTA_TUPLE_ORIG),
      ),
    /pair of IPv4 or IPv6 addresses/,
  );
  assert.ok(usesTupleFilter({ orig: { proto: 17 } }));
  assert.equal(usesTupleFilter({ mark: { value: 1 } }), false);
});

test('a port without its protocol is refused before reaching the kernel', () => {
  assert.throws(() => encoded({ reply: { dstPort: 80 } }), /needs the protocol/);
});

const u32 = fc.nat(0xffffffff);
/** An address in the RFC 5952 text the decoder writes. */
const address = (v6: boolean) =>
  fc
    .uint8Array({ minLength: v6 ? 16 : 4, maxLength: v6 ? 16 : 4 })
    .map((b) => (v6 ? formatIpv6(b) : formatIpv4(b)));
const tupleMatch = (v6: boolean): fc.Arbitrary<TupleMatch> =>
  fc
    .record(
      {
        src: address(v6),
        dst: address(v6),
        proto: fc.constantFrom(6, 17, 132),
        srcPort: fc.nat(65535),
        dstPort: fc.nat(65535),
        zone: fc.nat(65535),
      },
      { requiredKeys: [] },
    )
    // ports travel with their protocol (the encoder refuses them alone)
    .map((m) => (m.proto === undefined ? { ...m, srcPort: undefined, dstPort: undefined } : m))
    .map((m) => JSON.parse(JSON.stringify(m)) as TupleMatch);

test('property: decodeDumpFilter reads back what encodeDumpFilter wrote, masks spelled out', () => {
  fc.assert(
    fc.property(
      fc.boolean().chain((v6) =>
        fc.record(
          {
            mark: fc.record({ value: u32, mask: u32 }, { requiredKeys: ['value'] }),
            status: fc.record(
              { value: u32.filter((v) => v !== 0), mask: u32 },
              { requiredKeys: ['value'] },
            ),
            zone: fc.nat(65535),
            orig: tupleMatch(v6),
            reply: tupleMatch(v6),
          },
          { requiredKeys: [] },
        ),
      ),
      (f: DumpFilter) => {
        const w = new NlWriter();
        w.begin(0x101, 0x301, 1).nfgenmsg(2, 0, 0);
        encodeDumpFilter(w, f);
        const b = w.finish();
        const expected: DumpFilter = {};
        if (f.mark) expected.mark = { value: f.mark.value, mask: f.mark.mask ?? 0xffffffff };
        if (f.status)
          expected.status = { value: f.status.value, mask: f.status.mask ?? f.status.value };
        if (f.zone !== undefined) expected.zone = f.zone;
        if (f.orig && Object.keys(f.orig).length > 0) expected.orig = f.orig;
        if (f.reply && Object.keys(f.reply).length > 0) expected.reply = f.reply;
        assert.deepEqual(decodeDumpFilter(b, 20, b.length), expected);
      },
    ),
  );
});
