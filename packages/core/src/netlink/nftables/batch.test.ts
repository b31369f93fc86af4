import { test } from 'node:test';
import assert from 'node:assert/strict';
import { forEachMessage, NlMsgView } from '../message.js';
import { NFNL_MSG_BATCH_BEGIN, NFNL_MSG_BATCH_END, NLMSG_ERROR } from '../constants.js';
import { nftBatchFault, planNftBatches, type NftSetOp } from './batch.js';
import { NFTA_SET_ELEM_LIST_ELEMENTS } from './constants.js';
import { decodeNftElementsMessage } from './elements-message.js';
import { NftSetError } from './errors.js';
import { nftKeyType } from './key-types.js';
import { decodeNlmsgErr } from './nlmsgerr.js';
import type { NftSetRef } from './set-ref.js';
import { AttrTable } from '../attr.js';

const S4: NftSetRef = { family: 'inet', table: 't', set: 's4', key: 'ipv4_addr' };
const typeOf = (ref: NftSetRef) => nftKeyType(ref.key!);

function counter(from = 1): () => number {
  let n = from;
  return () => n++;
}

/** Every message of a batch datagram: type, flags, seq, and its bytes. */
function messages(bytes: Buffer): { type: number; flags: number; seq: number; hex: string }[] {
  const out: { type: number; flags: number; seq: number; hex: string }[] = [];
  forEachMessage(bytes, bytes.length, new NlMsgView(), (m) => {
    out.push({
      type: m.type,
      flags: m.flags,
      seq: m.seq,
      hex: bytes.subarray(m.off, m.end).toString('hex'),
    });
  });
  return out;
}

function ipv4s(n: number, timeoutMs?: number) {
  return Array.from({ length: n }, (_, i) => ({
    address: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
    timeoutMs,
  }));
}

test('a batch is framed by begin and end messages addressed to nf_tables', () => {
  const [batch] = planNftBatches(
    [{ op: 'add', set: S4, elements: [{ address: '192.0.2.1', timeoutMs: 5000 }] }],
    typeOf,
    counter(100),
  );
  const m = messages(batch.bytes);
  assert.deepEqual(
    m.map((x) => [x.type, x.seq]),
    [
      [NFNL_MSG_BATCH_BEGIN, 100],
      [0x0a0c, 101],
      [NFNL_MSG_BATCH_END, 102],
    ],
  );
  // nlmsghdr 20 bytes, REQUEST, seq; nfgenmsg AF_UNSPEC, v0, res_id NFNL_SUBSYS_NFTABLES (be16)
  assert.equal(m[0].hex, '14000000' + '1000' + '0100' + '64000000' + '00000000' + '0000000a');
  assert.equal(m[2].hex, '14000000' + '1100' + '0100' + '66000000' + '00000000' + '0000000a');
  assert.deepEqual(
    [...batch.entries.values()].map((e) => e.role),
    ['begin', 'elements', 'end'],
  );
  assert.equal(batch.elements, 1);
});

test('deletes use DELSETELEM, or DESTROYSETELEM when missing elements are fine; a flush has no list', () => {
  const [batch] = planNftBatches(
    [
      { op: 'delete', set: S4, elements: [{ address: '192.0.2.1' }] },
      { op: 'delete', set: S4, elements: [{ address: '192.0.2.2' }], ignoreMissing: true },
      { op: 'flush', set: S4 },
      { op: 'delete', set: S4, elements: [] }, // changes nothing, and is no flush
    ],
    typeOf,
    counter(),
  );
  const m = messages(batch.bytes);
  assert.deepEqual(
    m.map((x) => x.type),
    [NFNL_MSG_BATCH_BEGIN, 0x0a0e, 0x0a1e, 0x0a0e, NFNL_MSG_BATCH_END],
  );
  const flush = Buffer.from(m[3].hex, 'hex');
  const t = new AttrTable(4).parseOrThrow(flush, 20, flush.length);
  assert.equal(t.has(NFTA_SET_ELEM_LIST_ELEMENTS), false);
});

test('many elements are split into messages of at most 1000, and batches under the byte limit', () => {
  const elements = ipv4s(5000, 60_000);
  const one = planNftBatches([{ op: 'add', set: S4, elements }], typeOf, counter(), {
    maxElementsPerMessage: 1000,
    maxBatchBytes: 1 << 20,
  });
  assert.equal(one.length, 1);
  assert.equal(one[0].entries.size, 2 + 5);

  const limits = { maxElementsPerMessage: 1000, maxBatchBytes: 40_000 };
  const several = planNftBatches([{ op: 'add', set: S4, elements }], typeOf, counter(), limits);
  assert.ok(several.length > 1);
  const seen: string[] = [];
  for (const b of several) {
    assert.ok(b.bytes.length <= limits.maxBatchBytes, `${b.bytes.length} bytes`);
    for (const m of messages(b.bytes)) {
      if (m.type !== 0x0a0c) continue;
      const v = new NlMsgView().reset(Buffer.from(m.hex, 'hex'), 0);
      const got = decodeNftElementsMessage(v, nftKeyType('ipv4_addr')).elements;
      assert.ok(got.length <= 1000);
      for (const e of got) {
        assert.equal(e.timeoutMs, 60_000);
        seen.push(e.address);
      }
    }
  }
  assert.deepEqual(
    seen,
    elements.map((e) => e.address),
  );
  assert.equal(
    several.reduce((n, b) => n + b.elements, 0),
    5000,
  );
});

test('an element that does not fit its set fails the plan before anything is sent', () => {
  assert.throws(
    () =>
      planNftBatches(
        [{ op: 'add', set: S4, elements: [{ address: '192.0.2.1' }, { address: '192.0.2.300' }] }],
        typeOf,
        counter(),
      ),
    (e: unknown) =>
      e instanceof NftSetError &&
      e.fault.kind === 'invalid-element' &&
      e.fault.index === 1 &&
      e.message === 'nft set inet t s4: add: element 1: "192.0.2.300" is not an IP address',
  );
});

// What Linux 6.18 answered to a batch deleting 192.0.2.1 and 192.0.2.9 from inet t s4 when only
// the first was in the set, on a socket with NETLINK_EXT_ACK and NETLINK_CAP_ACK: ENOENT for the
// DELSETELEM message (flags NLM_F_CAPPED | NLM_F_ACK_TLVS), NLMSGERR_ATTR_OFFS 56 — the second
// element's nest.
const ENOENT_REPLY =
  '2c00000002000003117b2b3b87790008feffffff480000000e0a0100117b2b3b000000000800020038000000';

test('an extended ACK names the element the kernel refused', () => {
  const b = Buffer.from(ENOENT_REPLY, 'hex');
  const m = new NlMsgView().reset(b, 0);
  assert.equal(m.type, NLMSG_ERROR);
  const err = decodeNlmsgErr(m)!;
  assert.deepEqual(err, { errno: 2, requestSeq: 0x3b2b7b11, requestType: 0x0a0e, attrOffset: 56 });

  const op: NftSetOp = {
    op: 'delete',
    set: S4,
    elements: [{ address: '192.0.2.1' }, { address: '192.0.2.9' }],
  };
  const [batch] = planNftBatches([op], typeOf, counter(0x3b2b7b10));
  const fault = nftBatchFault(batch, err, op);
  assert.equal(fault.kind, 'kernel');
  assert.equal(
    new NftSetError([fault]).message,
    'nft set inet t s4: delete failed: ENOENT — element 192.0.2.9 is not in the set (delete with ignoreMissing to skip missing elements)',
  );
});

test('ENOENT pointing at the table or the set says which is missing; EPERM says what is needed', () => {
  const op: NftSetOp = { op: 'add', set: S4, elements: [{ address: '192.0.2.1' }] };
  const [batch] = planNftBatches([op], typeOf, counter(1));
  const at = (attrOffset?: number, errno = 2, requestSeq = 2) =>
    new NftSetError([
      nftBatchFault(batch, { errno, requestSeq, requestType: 0x0a0c, attrOffset }, op),
    ]).message;
  assert.equal(at(20), 'nft set inet t s4: add failed: ENOENT — table inet t does not exist');
  assert.equal(
    at(28),
    'nft set inet t s4: add failed: ENOENT — set "s4" does not exist in table inet t',
  );
  assert.equal(
    at(undefined),
    'nft set inet t s4: add failed: ENOENT — the table or the set does not exist (create it first)',
  );
  // the kernel refuses a batch from a process without CAP_NET_ADMIN on its first message
  assert.equal(
    at(undefined, 1, 1),
    'nft set inet t s4: add failed: EPERM — needs CAP_NET_ADMIN (run as root, or grant the capability)',
  );
});
