import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Packet } from '../../wire/packet.js';
import { AttrTable } from '../attr.js';
import { NlMsgView } from '../message.js';
import { NlWriter } from '../writer.js';
import {
  NFULA_CFG_CMD,
  NFULA_CFG_MODE,
  NFULA_CFG_QTHRESH,
  NFULA_CFG_TIMEOUT,
  NFULNL_CFG_CMD_BIND,
  NFULNL_COPY_PACKET,
} from './constants.js';
import { NF_INET_LOCAL_OUT } from '../constants.js';
import { parseNflogConfig, writeNflogConfig } from './config.js';
import { NflogPacket } from './packet.js';
import { encodeNflogPacket, parseNflogPacket } from './packet-repr.js';

// An echo request logged by `ip protocol icmp meta mark set 0x2a log prefix "p2pw-test " group 9
// snaplen 80` in the output hook (Linux 6.18), as nfnetlink_log delivered it.
const LOGGED_PING =
  'a00000000004000000000000000000000200000908000100080003000f000a00703270772d746573742000000800050000000001080002000000002a08000b000000000008000e00000000005400090045000054ccf1400040016fb57f0000017f0000010800ee953a5400018ac4016b000000008212020000000000101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f30313233';

test('a logged packet: group, hook, mark, prefix, interface and the IP header onwards', () => {
  const b = Buffer.from(LOGGED_PING, 'hex');
  const p = new NflogPacket();
  assert.ok(p.reset(new NlMsgView().reset(b, 0)));
  assert.equal(p.group, 9);
  assert.equal(p.family, 2);
  assert.equal(p.hwProtocol, 0x0800);
  assert.equal(p.hook, NF_INET_LOCAL_OUT);
  assert.equal(p.mark, 0x2a);
  assert.equal(p.prefix, 'p2pw-test ');
  assert.equal(p.outdev, 1);
  assert.equal(p.indev, 0);
  assert.equal(p.uid, 0);
  assert.equal(p.payloadLength, 80, 'cut at the snaplen');
  const ip = new Packet();
  assert.ok(ip.decode(p.buf, p.payloadOffset, p.payloadLength));
  assert.equal(ip.protocol, 1);
  assert.equal(ip.ipLength, 84);
  assert.ok(ip.truncated);
});

test('other messages and malformed ones are not taken for packets', () => {
  const p = new NflogPacket();
  const other = new NlWriter().begin(0x0101, 0, 1).nfgenmsg(2, 0, 0).finish();
  assert.equal(p.reset(new NlMsgView().reset(other, 0)), false);
  const b = Buffer.from(LOGGED_PING, 'hex');
  b.writeUInt16LE(0x400, 20);
  assert.equal(p.reset(new NlMsgView().reset(b, 0)), false);
});

test('the bind request carries command, copy mode and range, QTHRESH 1 and TIMEOUT 0', () => {
  const w = new NlWriter();
  writeNflogConfig(w, 5, 4711, NFULNL_CFG_CMD_BIND, {
    copyMode: NFULNL_COPY_PACKET,
    copyRange: 80,
    qthreshold: 1,
    timeout: 0,
  });
  const b = w.finish();
  const m = new NlMsgView().reset(b, 0);
  assert.equal(m.type, 0x0401);
  assert.equal(m.nfgenResId, 4711);
  const t = new AttrTable(6).parseOrThrow(b, m.nfAttrOffset, m.end);
  assert.equal(t.u8(NFULA_CFG_CMD), NFULNL_CFG_CMD_BIND);
  assert.deepEqual([...t.bytes(NFULA_CFG_MODE)!], [0, 0, 0, 80, NFULNL_COPY_PACKET, 0]);
  assert.equal(t.be32(NFULA_CFG_QTHRESH), 1);
  assert.equal(t.be32(NFULA_CFG_TIMEOUT), 0);
});

test("a repr of the real copy re-emits its very bytes (attributes in the kernel's order)", () => {
  const b = Buffer.from(LOGGED_PING, 'hex');
  const r = parseNflogPacket(b);
  assert.equal(r.group, 9);
  assert.equal(r.prefix, 'p2pw-test ');
  assert.equal(r.payload?.length, 80);
  assert.deepEqual(encodeNflogPacket(r), b);
});

test('property: packet reprs and config messages round-trip', () => {
  const u32 = fc.nat(0xffffffff);
  const repr = fc.record(
    {
      group: fc.nat(65535),
      family: fc.constantFrom(2, 10),
      hwProtocol: fc.nat(65535),
      hook: fc.nat(5),
      prefix: fc.string({ maxLength: 63 }).filter((s) => !s.includes('\0')),
      indev: u32,
      outdev: u32,
      mark: u32.filter((m) => m !== 0),
      timestamp: fc.record({ sec: fc.nat(2 ** 40), usec: fc.nat(999999) }),
      uid: u32,
      gid: u32,
      seq: u32,
      payload: fc.uint8Array({ maxLength: 200 }),
    },
    { requiredKeys: ['group', 'family', 'hwProtocol', 'hook'] },
  );
  fc.assert(
    fc.property(repr, (r) => {
      const plain = JSON.parse(JSON.stringify({ ...r, payload: undefined }));
      const back = parseNflogPacket(encodeNflogPacket(r));
      assert.deepEqual({ ...back, payload: undefined }, { ...plain, payload: undefined });
      assert.deepEqual(back.payload && [...back.payload], r.payload && [...r.payload]);
    }),
  );
  const config = fc.record(
    {
      copyMode: fc.nat(2),
      copyRange: u32,
      qthreshold: u32,
      timeout: u32,
      nlbufsiz: u32,
      flags: fc.nat(0xffff),
    },
    { requiredKeys: ['copyMode', 'copyRange'] },
  );
  fc.assert(
    fc.property(fc.nat(65535), fc.option(fc.nat(4), { nil: null }), config, (group, cmd, cfg) => {
      const w = new NlWriter();
      writeNflogConfig(w, 1, group, cmd, cfg);
      const expected = { group, family: 0, ...(cmd !== null ? { command: cmd } : {}), ...cfg };
      assert.deepEqual(parseNflogConfig(w.finish()), expected);
    }),
  );
});
