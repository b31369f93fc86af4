// Packet messages: decoded from bytes the kernel sent (testdata/kernel-packets.json, recorded by
// test/nfqueue/record-fixtures.ts), re-emitted byte for byte, and round-tripped as values.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { Packet } from '../../wire/packet.js';
import { formatIp } from '../../wire/address.js';
import { AF_INET, AF_INET6, NLA_F_NESTED } from '../constants.js';
import { decodeEntry, type ConntrackEntry } from '../conntrack/entry.js';
import { IPS_ASSURED, IPS_CONFIRMED, IPS_SEEN_REPLY } from '../conntrack/constants.js';
import { NetlinkDecodeError, problemText } from '../errors.js';
import { putU16h, putU32h } from '../host-order.js';
import { NlMsgView } from '../message.js';
import { NlWriter } from '../writer.js';
import {
  IP_CT_ESTABLISHED_REPLY,
  IP_CT_NEW,
  NFQA_CT,
  NFQA_CT_INFO,
  NFQA_SKB_GSO,
} from './constants.js';
import { NfqPacket } from './packet.js';
import {
  emitNfqPacket,
  encodeNfqPacket,
  parseNfqPacket,
  type NfqPacketRepr,
} from './packet-repr.js';

interface Fixture {
  name: string;
  description: string;
  hex: string;
}
const recorded = JSON.parse(
  readFileSync(new URL('./testdata/kernel-packets.json', import.meta.url), 'utf8'),
) as { fixtures: Fixture[] };
const bytes = (name: string): Buffer => {
  const f = recorded.fixtures.find((x) => x.name === name);
  if (!f) throw new Error(`fixture ${name} missing`);
  return Buffer.from(f.hex, 'hex');
};
const packetFixtures = recorded.fixtures.filter((f) => f.name !== 'ctnetlink-entry');

function view(b: Uint8Array): NfqPacket {
  const p = new NfqPacket();
  assert.ok(p.reset(new NlMsgView().reset(b, 0)), `reset failed: ${JSON.stringify(p.fault)}`);
  return p;
}

function addresses(p: NfqPacket): [string, string, number] {
  const ip = new Packet();
  assert.ok(ip.decode(p.buf, p.payloadOffset, p.payloadLength));
  return [
    formatIp(p.buf, ip.srcOffset, ip.addrLength),
    formatIp(p.buf, ip.dstOffset, ip.addrLength),
    ip.protocol,
  ];
}

test('nfqueue packet: ICMP echo queued in FORWARD (kernel bytes)', () => {
  const p = view(bytes('icmp-echo-forward'));
  assert.equal(p.queue, 0);
  assert.equal(p.family, AF_INET);
  assert.equal(p.id, 1);
  assert.equal(p.hwProtocol, 0x0800);
  assert.equal(p.hook, 2);
  assert.equal(p.mark, 0);
  assert.ok(p.indev > 0 && p.outdev > 0 && p.indev !== p.outdev);
  assert.ok(p.timestamp > 1.6e9, `timestamp ${p.timestamp}`);
  assert.equal(p.hwAddr?.length, 6);
  assert.equal(p.payloadLength, 84);
  assert.equal(p.packetLength, 84);
  assert.equal(p.truncated, false);
  assert.equal(p.ctInfo, -1);
  assert.equal(p.hasCt, false);
  assert.equal(p.ctProto, -1);
  assert.deepEqual(addresses(p), ['192.0.2.10', '198.51.100.10', 1]);
  // the payload is a view into the message, not a copy
  assert.equal(p.payload.buffer, p.buf.buffer);
});

test('nfqueue packet: IPv6, mark, OUTPUT hook (kernel bytes)', () => {
  const v6 = view(bytes('icmp6-echo-forward'));
  assert.equal(v6.family, AF_INET6);
  assert.equal(v6.hwProtocol, 0x86dd);
  assert.deepEqual(addresses(v6), ['2001:db8:1::10', '2001:db8:2::10', 58]);
  const marked = view(bytes('tcp-syn-marked'));
  assert.equal(marked.mark, 0x2a);
  assert.equal(addresses(marked)[2], 6);
  const local = view(bytes('icmp-echo-local-out'));
  assert.equal(local.hook, 3);
  assert.equal(local.indev, 0);
  assert.ok(local.outdev > 0);
  assert.equal(local.timestamp, 0);
  assert.equal(local.hwAddr, undefined);
});

test('nfqueue packet: copy range cut and GSO super-packet (kernel bytes)', () => {
  const cut = view(bytes('truncated-copy-range'));
  assert.equal(cut.payloadLength, 64);
  assert.equal(cut.packetLength, 1028);
  assert.equal(cut.truncated, true);
  const ip = new Packet();
  assert.ok(ip.decode(cut.buf, cut.payloadOffset, cut.payloadLength));
  assert.equal(ip.ipLength, 1028);
  assert.equal(ip.truncated, true);
  const gso = view(bytes('gso-super-packet'));
  assert.equal(gso.gso, true);
  assert.ok((gso.skbInfo & NFQA_SKB_GSO) !== 0);
  assert.ok(gso.payloadLength > 1500, `${gso.payloadLength}`);
  assert.equal(gso.truncated, false);
});

test('nfqueue packet: emit reproduces every kernel message byte for byte', () => {
  for (const f of packetFixtures) {
    const b = bytes(f.name);
    const again = encodeNfqPacket(parseNfqPacket(b));
    assert.equal(again.toString('hex'), f.hex, f.name);
  }
});

/** A real packet message with a real conntrack entry's attributes nested as NFQA_CT. */
function withConntrack(ctInfo: number): { message: Buffer; entry: ConntrackEntry } {
  const ct = bytes('ctnetlink-entry');
  const entry = decodeEntry(ct, 20, ct.length, ct[16]);
  const base = bytes('tcp-syn-marked');
  const attrs = ct.subarray(20);
  const extra = 4 + attrs.length + 8;
  const out = Buffer.alloc(base.length + extra);
  base.copy(out);
  let o = base.length;
  putU16h(out, o, 4 + attrs.length);
  putU16h(out, o + 2, NFQA_CT | NLA_F_NESTED);
  attrs.copy(out, o + 4);
  o += 4 + attrs.length;
  putU16h(out, o, 8);
  putU16h(out, o + 2, NFQA_CT_INFO);
  out.writeUInt32BE(ctInfo, o + 4);
  putU32h(out, 0, out.length);
  return { message: out, entry };
}

test('nfqueue packet: NFQA_CT and NFQA_CT_INFO (a recorded ctnetlink entry nested in a recorded packet)', () => {
  const { message, entry } = withConntrack(IP_CT_ESTABLISHED_REPLY);
  const p = view(message);
  assert.equal(p.hasCt, true);
  assert.equal(p.ctInfo, IP_CT_ESTABLISHED_REPLY);
  assert.equal(p.ctDirection, 1);
  assert.equal(p.ctState, 0);
  assert.equal(p.ctMark, entry.mark ?? 0);
  assert.equal(p.ctId, entry.id);
  assert.equal(p.ctStatus, entry.status);
  assert.ok((p.ctStatus & (IPS_CONFIRMED | IPS_SEEN_REPLY | IPS_ASSURED)) !== 0);
  assert.equal(p.ctProto, 6);
  // the payload after the nest still decodes
  assert.equal(addresses(p)[2], 6);
  const parsed = parseNfqPacket(message);
  assert.deepEqual(parsed.ct, entry);
  const fresh = view(withConntrack(IP_CT_NEW).message);
  assert.equal(fresh.ctDirection, 0);
  assert.equal(fresh.ctState, IP_CT_NEW);
});

test('nfqueue packet: one view decodes message after message without keeping stale fields', () => {
  const p = new NfqPacket();
  const m = new NlMsgView();
  assert.ok(p.reset(m.reset(withConntrack(IP_CT_NEW).message, 0)));
  assert.ok(p.hasCt);
  assert.ok(p.reset(m.reset(bytes('icmp-echo-local-out'), 0)));
  assert.equal(p.hasCt, false);
  assert.equal(p.ctInfo, -1);
  assert.equal(p.ctId, 0);
  assert.equal(p.mark, 0);
  assert.equal(p.indev, 0);
});

test('nfqueue packet: other messages and broken attributes are refused, never thrown', () => {
  const p = new NfqPacket();
  const m = new NlMsgView();
  const ct = bytes('ctnetlink-entry');
  assert.equal(p.reset(m.reset(ct, 0)), false);
  assert.deepEqual(p.fault, { kind: 'not-a-packet' });
  assert.equal(problemText(p.fault!), 'not a packet message');
  const broken = Buffer.from(bytes('icmp-echo-forward'));
  putU16h(broken, 20, 200); // PACKET_HDR claims more than the message holds
  assert.equal(p.reset(m.reset(broken, 0)), false);
  assert.deepEqual(p.fault, { kind: 'malformed-attributes' });
  assert.equal(problemText(p.fault!), 'malformed attributes');
  assert.throws(() => parseNfqPacket(broken), NetlinkDecodeError);
});

test('nfqueue packet: random corruption of kernel bytes never throws from reset (property)', () => {
  const samples = packetFixtures.map((f) => bytes(f.name));
  fc.assert(
    fc.property(
      fc.nat(samples.length - 1),
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }),
      (i, edits) => {
        const b = Buffer.from(samples[i]);
        for (const [at, v] of edits) if (at % b.length >= 4) b[at % b.length] = v; // keep nlmsg_len honest
        const p = new NfqPacket();
        const ok = p.reset(new NlMsgView().reset(b, 0));
        if (ok) assert.ok(p.payloadOffset + p.payloadLength <= b.length);
      },
    ),
  );
});

const u32 = fc.integer({ min: 0, max: 0xffffffff });
const tuple = fc.record({
  src: fc.constantFrom('192.0.2.1', '198.51.100.7'),
  dst: fc.constantFrom('203.0.113.5', '192.0.2.200'),
  proto: fc.constant(6),
  srcPort: fc.integer({ min: 1, max: 0xffff }),
  dstPort: fc.integer({ min: 1, max: 0xffff }),
});
const reprArb: fc.Arbitrary<NfqPacketRepr> = fc
  .record(
    {
      queue: fc.integer({ min: 0, max: 0xffff }),
      family: fc.constantFrom(AF_INET, AF_INET6),
      id: u32,
      hwProtocol: fc.integer({ min: 0, max: 0xffff }),
      hook: fc.integer({ min: 0, max: 4 }),
      mark: fc.integer({ min: 1, max: 0xffffffff }),
      indev: u32,
      outdev: u32,
      physindev: u32,
      physoutdev: u32,
      hwAddr: fc.uint8Array({ minLength: 6, maxLength: 8 }),
      timestamp: fc.record({
        sec: fc.integer({ min: 0, max: 2 ** 40 }),
        usec: fc.integer({ min: 0, max: 999_999 }),
      }),
      uid: u32,
      gid: u32,
      ct: fc.record({
        family: fc.constant(AF_INET),
        orig: tuple,
        reply: tuple,
        mark: u32,
        id: u32,
        status: u32,
      }),
      ctInfo: fc.integer({ min: 0, max: 7 }),
      capLen: u32,
      skbInfo: fc.integer({ min: 0, max: 7 }),
      payload: fc.uint8Array({ maxLength: 300 }),
    },
    { requiredKeys: ['queue', 'family', 'id', 'hwProtocol', 'hook'] },
  )
  .map((r) => structuredClone(r) as NfqPacketRepr); // plain prototypes, as parse builds them

test('nfqueue packet: emit then parse is the identity, and the view agrees (property)', () => {
  fc.assert(
    fc.property(reprArb, (r) => {
      const w = new NlWriter(64);
      emitNfqPacket(w, r);
      const b = w.finish();
      const back = parseNfqPacket(b);
      const expected = { ...r };
      if (expected.ct) expected.ct = { ...expected.ct, family: r.family || AF_INET };
      assert.deepEqual(back, expected);
      const p = view(b);
      assert.equal(p.id, r.id);
      assert.equal(p.mark, r.mark ?? 0);
      assert.equal(p.indev, r.indev ?? 0);
      assert.equal(p.ctInfo, r.ctInfo ?? -1);
      assert.equal(p.ctMark, r.ct?.mark ?? 0);
      assert.equal(p.ctId, r.ct?.id ?? 0);
      assert.equal(p.uid, r.uid ?? -1);
      assert.equal(p.payloadLength, r.payload?.length ?? 0);
      assert.equal(p.packetLength, r.capLen ?? r.payload?.length ?? 0);
      if (r.timestamp) assert.equal(p.timestamp, r.timestamp.sec + r.timestamp.usec / 1e6);
    }),
  );
});
