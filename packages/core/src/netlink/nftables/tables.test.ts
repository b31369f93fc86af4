import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { NFNL_SUBSYS_NFTABLES, nfnlMsgType } from '../constants.js';
import { NetlinkDecodeError } from '../errors.js';
import { NlMsgView } from '../message.js';
import { NlWriter } from '../writer.js';
import { NFT_MSG_NEWTABLE, NFTA_TABLE_NAME, NFTA_TABLE_USERDATA } from './constants.js';
import {
  decodeNftChain,
  decodeNftTable,
  userDataString,
  writeNftChainsDump,
  writeNftTablesDump,
} from './tables.js';

// Answers of Linux 6.18 to the dumps, for what nft 1.0.6 made:
//   nft add table inet p2pwall_cutter_99 '{ comment "p2pwall-cutter 99: … pidns 4026531836" ; }'
//   nft add chain inet p2pwall_cutter_99 out
const TABLE =
  '90000000000a02000287ea06990b0008010000041600010070327077616c6c5f6375747465725f393900000008000300000000010c0004000000000000000001080002000000000046000600004070327077616c6c2d6375747465722039393a2074656d706f726172792072756c6573207374617274203132333435207069646e732034303236353331383336000000';
const CHAIN =
  '48000000030a02000387ea06990b0008010000041600010070327077616c6c5f6375747465725f3939000000080003006f7574000c00020000000000000000010800060000000000';

const view = (b: Buffer) => new NlMsgView().reset(b, 0);

test("a table's name and the comment nft keeps in its user data", () => {
  assert.deepEqual(decodeNftTable(view(Buffer.from(TABLE, 'hex'))), {
    family: 1,
    name: 'p2pwall_cutter_99',
    flags: 0,
    comment: 'p2pwall-cutter 99: temporary rules start 12345 pidns 4026531836',
  });
});

test("a chain's table and name", () => {
  assert.deepEqual(decodeNftChain(view(Buffer.from(CHAIN, 'hex'))), {
    family: 1,
    table: 'p2pwall_cutter_99',
    name: 'out',
  });
});

test('dump requests: tables of one family; chains of one table', () => {
  assert.equal(
    writeNftTablesDump(new NlWriter(), 5, 1).finish().toString('hex'),
    '14000000' + '010a' + '0103' + '05000000' + '00000000' + '01000000',
  );
  assert.equal(
    writeNftChainsDump(new NlWriter(), 6, 2, 'raw').finish().toString('hex'),
    '1c000000' + '040a' + '0103' + '06000000' + '00000000' + '02000000' + '0800010072617700',
  );
});

test('user data: the TLV asked for, after others; nothing when missing or cut short', () => {
  const tlv = (type: number, s: string) => {
    const v = Buffer.from(s + '\0');
    return Buffer.concat([Buffer.from([type, v.length]), v]);
  };
  assert.equal(userDataString(Buffer.concat([tlv(3, 'x'), tlv(0, 'hello')]), 0), 'hello');
  assert.equal(userDataString(tlv(3, 'x'), 0), undefined);
  assert.equal(userDataString(tlv(0, 'hello').subarray(0, 5), 0), undefined);
  assert.equal(userDataString(Buffer.alloc(0), 0), undefined);
});

test('any user data: a string or nothing, never a throw; a written comment is read back', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 300 }), fc.string({ maxLength: 200 }), (junk, s) => {
      const r = userDataString(junk, 0);
      assert.ok(r === undefined || typeof r === 'string');
      const v = Buffer.from(s.replace(/\0/g, '') + '\0');
      if (v.length > 255) return;
      const b = Buffer.concat([Buffer.from([0, v.length]), v, junk]);
      assert.equal(userDataString(b, 0), s.replace(/\0/g, ''));
    }),
  );
});

test('any attribute bytes: a table, or NetlinkDecodeError', () => {
  const type = nfnlMsgType(NFNL_SUBSYS_NFTABLES, NFT_MSG_NEWTABLE);
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 200 }), fc.uint8Array({ maxLength: 64 }), (ud, tail) => {
      const w = new NlWriter()
        .begin(type, 0, 1)
        .nfgenmsg(1, 0, 0)
        .string(NFTA_TABLE_NAME, 't')
        .bytes(NFTA_TABLE_USERDATA, ud)
        .end();
      const good = w.finish();
      assert.equal(decodeNftTable(view(good)).name, 't');
      // the same message with arbitrary bytes appended to its attributes
      const bad = Buffer.concat([good, tail]);
      bad.writeUInt32LE(bad.length, 0);
      try {
        decodeNftTable(view(bad));
      } catch (e) {
        assert.ok(e instanceof NetlinkDecodeError, String(e));
      }
    }),
  );
});
