import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { formatIpv6 } from '../../wire/address.js';
import { NlWriter } from '../writer.js';
import { NlMsgView } from '../message.js';
import {
  IPS_ASSURED,
  IPS_CONFIRMED,
  IPS_DST_NAT_DONE,
  IPS_SEEN_REPLY,
  IPS_SRC_NAT,
  IPS_SRC_NAT_DONE,
  TCP_CONNTRACK_ESTABLISHED,
} from './constants.js';
import { decodeEntry, encodeEntry, type ConntrackEntry } from './entry.js';
import { statusFlags, tcpStateName } from './status.js';

// Dump messages from Linux 6.18 (the lab's router, MASQUERADE on, nf_conntrack_acct=1,
// nf_conntrack_timestamp=1), each next to the line `conntrack -L -o id` printed for it.
const TCP4 = {
  line: 'tcp 6 431998 ESTABLISHED src=192.0.2.10 dst=198.51.100.10 sport=58976 dport=20000 packets=3 bytes=172 src=198.51.100.10 dst=198.51.100.1 sport=20000 dport=58976 packets=2 bytes=112 [ASSURED] mark=42 delta-time=2 use=1 id=970951623',
  hex: '1c0100000001020002f8ab677739000802000000340001801400018008000100c000020a08000200c633640a1c000280050001000600000006000200e6600000060003004e200000340002801400018008000100c633640a08000200c63364011c0002800500010006000000060002004e20000006000300e6600000080003000000019e080008000000002a08000c0039df8bc708000b0000000001080007000006977d300004802c0001800500010003000000050002000a000000050003000a000000060004002b000000060005002b0000001c0009800c00010000000000000000030c00020000000000000000ac1c000a800c00010000000000000000020c0002000000000000000070100014800c00010018ea1bca05c1d819',
};
const TCP6 = {
  line: 'tcp 6 431999 ESTABLISHED src=2001:db8:1::10 dst=2001:db8:2::10 sport=47144 dport=20001 packets=3 bytes=232 src=2001:db8:2::10 dst=2001:db8:2::1 sport=20001 dport=47144 packets=2 bytes=152 [ASSURED] mark=0 delta-time=0 use=1 id=3062042589',
  hex: '4c0100000001020002f8ab67773900080a0000004c0001802c0001801400030020010db80001000000000000000000101400040020010db80002000000000000000000101c000280050001000600000006000200b8280000060003004e2100004c0002802c0001801400030020010db80002000000000000000000101400040020010db80002000000000000000000011c0002800500010006000000060002004e21000006000300b8280000080003000000019e080008000000000008000c00b6830fdd08000b0000000001080007000006977f300004802c0001800500010003000000050002000a000000050003000a000000060004002300000006000500230000001c0009800c00010000000000000000030c00020000000000000000e81c000a800c00010000000000000000020c0002000000000000000098100014800c00010018ea1bca5854a39f',
};
const ICMP = {
  line: 'icmp 1 29 src=192.0.2.10 dst=198.51.100.10 type=8 code=0 id=14708 packets=1 bytes=84 src=198.51.100.10 dst=198.51.100.1 type=0 code=0 id=14708 packets=1 bytes=84 mark=0 delta-time=0 use=1 id=3506130540',
  hex: 'fc0000000001020002f8ab6777390008020000003c0001801400018008000100c000020a08000200c633640a2400028005000100010000000600040039740000050005000800000005000600000000003c0002801400018008000100c633640a08000200c6336401240002800500010001000000060004003974000005000500000000000500060000000000080003000000019a080008000000000008000c00d0fb4e6c08000b0000000001080007000000001d1c0009800c00010000000000000000010c00020000000000000000541c000a800c00010000000000000000010c0002000000000000000054100014800c00010018ea1bca5b044db9',
};

function decode(hex: string): ConntrackEntry {
  const b = Buffer.from(hex, 'hex');
  const m = new NlMsgView().reset(b, 0);
  assert.equal(m.length, b.length);
  return decodeEntry(b, m.nfAttrOffset, m.end, m.nfgenFamily);
}

test('a masqueraded IPv4 TCP entry decodes to what conntrack -L shows', () => {
  const e = decode(TCP4.hex);
  assert.equal(e.family, 2);
  assert.deepEqual(e.orig, {
    src: '192.0.2.10',
    dst: '198.51.100.10',
    proto: 6,
    srcPort: 58976,
    dstPort: 20000,
  });
  assert.deepEqual(e.reply, {
    src: '198.51.100.10',
    dst: '198.51.100.1',
    proto: 6,
    srcPort: 20000,
    dstPort: 58976,
  });
  assert.equal(e.mark, 42);
  assert.equal(e.id, 970951623);
  assert.equal(e.use, 1);
  assert.equal(e.timeout, 431997);
  assert.equal(e.protoinfo?.tcp?.state, TCP_CONNTRACK_ESTABLISHED);
  assert.equal(tcpStateName(e.protoinfo!.tcp!.state), 'ESTABLISHED');
  assert.equal(e.protoinfo?.tcp?.wscaleOriginal, 10);
  assert.deepEqual(e.countersOrig, { packets: 3n, bytes: 172n });
  assert.deepEqual(e.countersReply, { packets: 2n, bytes: 112n });
  // NAT set up marks both directions done, the untouched one with a null binding
  assert.equal(
    e.status,
    IPS_SEEN_REPLY |
      IPS_ASSURED |
      IPS_CONFIRMED |
      IPS_SRC_NAT |
      IPS_SRC_NAT_DONE |
      IPS_DST_NAT_DONE,
  );
  assert.deepEqual(statusFlags(e.status!), [
    'SEEN_REPLY',
    'ASSURED',
    'CONFIRMED',
    'SRC_NAT',
    'SRC_NAT_DONE',
    'DST_NAT_DONE',
  ]);
  assert.ok(
    e.timestamp && e.timestamp.start > 1_700_000_000_000_000_000n && e.timestamp.stop === undefined,
  );
});

test('an IPv6 TCP entry and an ICMP entry decode too', () => {
  const v6 = decode(TCP6.hex);
  assert.equal(v6.family, 10);
  assert.deepEqual(v6.orig, {
    src: '2001:db8:1::10',
    dst: '2001:db8:2::10',
    proto: 6,
    srcPort: 47144,
    dstPort: 20001,
  });
  assert.equal(v6.reply.dst, '2001:db8:2::1');
  assert.equal(v6.id, 3062042589);
  assert.deepEqual(v6.countersOrig, { packets: 3n, bytes: 232n });
  const icmp = decode(ICMP.hex);
  assert.deepEqual(icmp.orig, {
    src: '192.0.2.10',
    dst: '198.51.100.10',
    proto: 1,
    icmpId: 14708,
    icmpType: 8,
    icmpCode: 0,
  });
  assert.deepEqual(icmp.reply, {
    src: '198.51.100.10',
    dst: '198.51.100.1',
    proto: 1,
    icmpId: 14708,
    icmpType: 0,
    icmpCode: 0,
  });
  assert.equal(icmp.timeout, 29);
  assert.equal(icmp.protoinfo, undefined);
  assert.equal(icmp.id, 3506130540);
});

test('every fixture is consistent with its conntrack -L line (ids, marks, counters)', () => {
  for (const f of [TCP4, TCP6, ICMP]) {
    const e = decode(f.hex);
    const id = Number(/ id=(\d+)$/.exec(f.line)![1]);
    assert.equal(e.id, id);
    assert.equal(e.mark, Number(/mark=(\d+)/.exec(f.line)![1]));
    const [p1, p2] = [...f.line.matchAll(/packets=(\d+)/g)].map((m) => BigInt(m[1]));
    assert.deepEqual([e.countersOrig?.packets, e.countersReply?.packets], [p1, p2]);
  }
});

test('re-encoding a decoded kernel entry gives back the same entry', () => {
  for (const f of [TCP4, TCP6, ICMP]) {
    const e = decode(f.hex);
    const w = new NlWriter();
    w.begin(0x100, 0, 1).nfgenmsg(e.family, 0, 0);
    encodeEntry(w, e);
    const b = w.finish();
    assert.deepEqual(decodeEntry(b, 20, b.length, e.family), e);
  }
});

const v4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((a) => a.join('.'));
const v6 = fc.array(fc.nat(0xffff), { minLength: 8, maxLength: 8 }).map((w) => {
  const b = Buffer.alloc(16);
  w.forEach((x, i) => b.writeUInt16BE(x, 2 * i));
  return b;
});

const arbEntry = fc.oneof(fc.constant(4 as const), fc.constant(6 as const)).chain((fam) => {
  const addr = fam === 4 ? v4 : v6.map((b) => formatIpv6(b));
  const tuple = fc.record(
    {
      src: addr,
      dst: addr,
      proto: fc.constantFrom(6, 17, 132),
      srcPort: fc.nat(65535),
      dstPort: fc.nat(65535),
      zone: fc.nat(65535),
    },
    { requiredKeys: ['src', 'dst', 'proto', 'srcPort', 'dstPort'] },
  );
  return fc.record(
    {
      family: fc.constant(fam === 4 ? 2 : 10),
      orig: tuple,
      reply: tuple,
      status: fc.nat(0xffff),
      mark: fc.nat(0xffffffff),
      zone: fc.nat(65535),
      id: fc.nat(0xffffffff),
      use: fc.nat(100),
      timeout: fc.nat(0x7fffffff),
      protoinfo: fc.record({
        tcp: fc.record(
          {
            state: fc.nat(9),
            wscaleOriginal: fc.nat(14),
            wscaleReply: fc.nat(14),
            flagsOriginal: fc.record({ flags: fc.nat(255), mask: fc.nat(255) }),
          },
          { requiredKeys: ['state'] },
        ),
      }),
      countersOrig: fc.record({
        packets: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
        bytes: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
      }),
      timestamp: fc.record(
        {
          start: fc.bigInt({ min: 0n, max: (1n << 63n) - 1n }),
          stop: fc.bigInt({ min: 0n, max: (1n << 63n) - 1n }),
        },
        { requiredKeys: ['start'] },
      ),
      helper: fc.constantFrom('ftp', 'sip', 'irc'),
      labels: fc.uint8Array({ minLength: 16, maxLength: 16 }),
      seqAdjOrig: fc.record({
        correctionPos: fc.nat(0xffffffff),
        offsetBefore: fc.nat(0xffffffff),
        offsetAfter: fc.nat(0xffffffff),
      }),
    },
    { requiredKeys: ['family', 'orig', 'reply'] },
  );
});

const big = (_k: string, v: unknown) =>
  typeof v === 'bigint' ? v.toString() : v instanceof Uint8Array ? [...v] : v;

test('property: encodeEntry and decodeEntry are inverses', () => {
  fc.assert(
    fc.property(arbEntry, (e) => {
      const w = new NlWriter();
      w.begin(0x100, 0, 1).nfgenmsg(e.family, 0, 0);
      encodeEntry(w, e as ConntrackEntry);
      const b = w.finish();
      const back = decodeEntry(b, 20, b.length, e.family);
      const want = { ...e, ...(e.labels ? { labels: Uint8Array.from(e.labels) } : {}) };
      // fast-check builds null-prototype records: compare values, with bigints and bytes spelled out
      assert.deepEqual(
        JSON.parse(JSON.stringify(back, big)),
        JSON.parse(JSON.stringify(want, big)),
      );
    }),
    { numRuns: 300 },
  );
});
