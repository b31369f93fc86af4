import { test } from 'node:test';
import assert from 'node:assert/strict';
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
import { encodeDumpFilter, usesTupleFilter } from './filter.js';
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
