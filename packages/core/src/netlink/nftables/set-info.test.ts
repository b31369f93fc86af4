import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NlMsgView } from '../message.js';
import { NlWriter } from '../writer.js';
import { NFT_SET_TIMEOUT } from './constants.js';
import { decodeNftSetInfo, writeNftGetSet } from './set-info.js';
import { NFT_KEY_TYPES, nftKeyTypeOf } from './key-types.js';

// NFT_MSG_NEWSET answers of Linux 6.18 for sets made by nft 1.0.6:
//   set s4  { type ipv4_addr; flags timeout; }
//   set s6c { type ipv6_addr . inet_service; flags timeout; }
const S4 =
  '78000000090a00000d7b2b3b8779000801000004060001007400000007000200733400000c00100000000000000000010800030000000010080004000000000708000500000000040a000d000004020000000000040009001700130030786666666666666666383235303635303000000800140000000002';
const S6C =
  '80000000090a00000f7b2b3b8779000801000004060001007400000008000200733663000c00100000000000000000020800030000000010080004000000020d080005000000001414000d00000400000000030800040d0000000100040009001700130030786666666666666666383235303635303000000800140000000001';

const decode = (h: string) => decodeNftSetInfo(new NlMsgView().reset(Buffer.from(h, 'hex'), 0));

test('a set description names its key type as nft wrote it', () => {
  assert.deepEqual(decode(S4), {
    family: 1,
    table: 't',
    name: 's4',
    flags: NFT_SET_TIMEOUT,
    keyTypeId: 7,
    keyLength: 4,
    key: 'ipv4_addr',
    count: 2,
  });
  const s6c = decode(S6C);
  assert.equal(s6c.key, 'ipv6_addr . inet_service');
  assert.equal(s6c.keyTypeId, (8 << 6) | 13);
  assert.equal(s6c.keyLength, 20);
});

test('every key type is found again by its id and length, and nothing else is', () => {
  for (const t of NFT_KEY_TYPES) assert.equal(nftKeyTypeOf(t.typeId, t.length), t);
  assert.equal(nftKeyTypeOf(7, 16), null);
  assert.equal(nftKeyTypeOf(9, 6), null); // ether_addr
});

test('a GETSET request names the table and the set', () => {
  const b = writeNftGetSet(new NlWriter(), 3, 1, 't', 's4').finish();
  assert.equal(
    b.toString('hex'),
    '24000000' +
      '0a0a' +
      '0500' +
      '03000000' +
      '00000000' +
      '01000000' +
      '0600010074000000' +
      '0700020073340000',
  );
});
