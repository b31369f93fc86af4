import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { NLM_F_DUMP, NLM_F_MULTI, NLM_F_REQUEST, NLMSG_DONE, NLMSG_ERROR } from './constants.js';
import { NetlinkDecodeError, netlinkFaultMessage } from './errors.js';
import { checkNlMsg, forEachMessage, NlMsgView, parseNlMsgHeader } from './message.js';
import { NlWriter } from './writer.js';

// A conntrack dump request as `conntrack -L` sends it (seq 0x5579c8 bytes as written by NlWriter).
const DUMP_REQUEST = '140000000101010302c879550000000000000000';

test('reads nlmsghdr and nfgenmsg fields from a real dump request', () => {
  const b = Buffer.from(DUMP_REQUEST, 'hex');
  assert.deepEqual(parseNlMsgHeader(b), {
    length: 20,
    type: 0x0101,
    flags: NLM_F_REQUEST | NLM_F_DUMP,
    seq: 0x5579c802,
    pid: 0,
  });
  const v = new NlMsgView().reset(b, 0);
  assert.equal(v.nfgenFamily, 0);
  assert.equal(v.nfgenVersion, 0);
  assert.equal(v.nfgenResId, 0);
  assert.equal(v.nfAttrOffset, 20);
});

test('writes the same bytes the kernel accepted', () => {
  const w = new NlWriter(8);
  w.begin(0x0101, NLM_F_REQUEST | NLM_F_DUMP, 0x5579c802).nfgenmsg(0, 0, 0);
  assert.equal(w.finish().toString('hex'), DUMP_REQUEST);
});

test('walks every message of a datagram, stopping on request', () => {
  const w = new NlWriter();
  w.begin(0x100, NLM_F_MULTI, 7).nfgenmsg(2, 0, 0).u8(1, 9);
  w.begin(0x100, NLM_F_MULTI, 7).nfgenmsg(10, 0, 0);
  w.begin(NLMSG_DONE, NLM_F_MULTI, 7).struct(4, () => {});
  const b = w.finish();
  const seen: [number, number][] = [];
  forEachMessage(b, b.length, new NlMsgView(), (m) => void seen.push([m.type, m.nfgenFamily]));
  assert.deepEqual(seen, [
    [0x100, 2],
    [0x100, 10],
    [NLMSG_DONE, 0],
  ]);
  let n = 0;
  forEachMessage(b, b.length, new NlMsgView(), () => ++n < 2);
  assert.equal(n, 2);
});

test('an NLMSG_ERROR carries the negative errno; 0 is an acknowledgement', () => {
  const w = new NlWriter();
  w.begin(NLMSG_ERROR, 0, 3).struct(20, (b, o) => b.writeInt32LE(-1, o));
  const v = new NlMsgView().reset(w.finish(), 0);
  assert.equal(v.error, -1);
});

test('lying lengths are reported with the offset, never read past', () => {
  const b = Buffer.from(DUMP_REQUEST, 'hex');
  const cut = checkNlMsg(b, 0, 10);
  assert.deepEqual(cut, {
    kind: 'malformed',
    offset: 0,
    problem: { kind: 'truncated', struct: 'nlmsghdr', needed: 16, available: 10 },
  });
  assert.match(netlinkFaultMessage(cut!), /truncated: 10 of 16/);
  const long = Buffer.from(b);
  long.writeUInt32LE(200, 0);
  const beyond = checkNlMsg(long, 0, long.length);
  assert.deepEqual(beyond?.problem, {
    kind: 'message-length-beyond-data',
    length: 200,
    available: 20,
  });
  assert.match(netlinkFaultMessage(beyond!), /beyond the 20 bytes/);
  const short = Buffer.from(b);
  short.writeUInt32LE(8, 0);
  const below = checkNlMsg(short, 0, short.length);
  assert.deepEqual(below?.problem, { kind: 'message-length-below-header', length: 8 });
  assert.match(netlinkFaultMessage(below!), /below the header size/);
  assert.throws(
    () => forEachMessage(long, long.length, new NlMsgView(), () => {}),
    (e: unknown) => {
      assert.ok(e instanceof NetlinkDecodeError);
      assert.deepEqual(e.fault, beyond);
      assert.equal(
        e.message,
        'malformed netlink data at byte 0: nlmsg_len 200 beyond the 20 bytes received',
      );
      return true;
    },
  );
});

test('property: any sequence of headers written is read back in order', () => {
  fc.assert(
    fc.property(
      fc.array(
        fc.record({
          type: fc.integer({ min: 0, max: 0xffff }),
          flags: fc.integer({ min: 0, max: 0xffff }),
          seq: fc.nat(),
          payload: fc.uint8Array({ maxLength: 23 }),
        }),
        { minLength: 1, maxLength: 8 },
      ),
      (msgs) => {
        const w = new NlWriter(4);
        for (const m of msgs)
          w.begin(m.type, m.flags, m.seq).struct(m.payload.length, (b, o) => b.set(m.payload, o));
        const b = w.finish();
        const back: { type: number; flags: number; seq: number; payload: Uint8Array }[] = [];
        forEachMessage(
          b,
          b.length,
          new NlMsgView(),
          (v) =>
            void back.push({
              type: v.type,
              flags: v.flags,
              seq: v.seq,
              payload: Uint8Array.from(
                b.subarray(v.payloadOffset, v.payloadOffset + msgs[back.length].payload.length),
              ),
            }),
        );
        assert.deepEqual(
          back,
          msgs.map((m) => ({ ...m, payload: Uint8Array.from(m.payload) })),
        );
      },
    ),
  );
});
