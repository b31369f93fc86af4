// The built-in ares.rope, signature by signature, over IPv4 and IPv6. No Ares client runs here;
// the packets are built from the Ares chat room protocol notes (messages <length u16 LE><type 1>
// <data>; the chat login, type 2: GUID, file count, a zero byte, data port, supernode address and
// port, 4 bytes, user name and client version NUL-terminated, addresses, features) and from
// IPP2P's description of the supernode connect (03 00 5A ·· ·· 05) and of searches (type 9,
// 14–34 bytes). What IPP2P alone would accept must not match.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  assertEverySignature,
  builtin,
  bytes,
  c,
  labelledAt,
  matches,
  noise,
  s,
  over,
} from './harness.test.js';
import { assertNoLookAlike } from './look-alikes.test.js';

const ar = builtin('ares');
const tcp = over('tcp', 21530);
const le16 = (n: number) => [n & 0xff, (n >>> 8) & 0xff];
const message = (type: number, ...data: (string | number[] | Uint8Array)[]) => {
  const d = bytes(...data);
  return bytes(le16(d.length), [type], d);
};

test('the supernode connect opens its direction', () => {
  const connect = bytes([0x03, 0x00, 0x5a, 0x04, 0x03, 0x05]);
  assert.equal(labelledAt(ar, tcp(c(connect))), 0);
  assert.ok(!matches(ar, tcp(c(noise(10, 1)), c(connect))));
  assert.ok(!matches(ar, tcp(c(bytes(connect, [0])))));
  assert.ok(!matches(ar, tcp(c(bytes([0x03, 0x00, 0x5a, 0x04, 0x03, 0x06])))));
});

test('a search, confirmed by another Ares message', () => {
  const search = message(0x09, [0x01, 0x00], le16(0x1234), [0x14], 'madonna'); // 15 bytes
  assert.ok(!matches(ar, tcp(c(search))), 'IPP2P takes a search alone');
  assert.equal(labelledAt(ar, tcp(c(search), s(message(0x12, noise(40, 2))))), 1);
  assert.equal(labelledAt(ar, tcp(s(message(0x33, noise(8, 3))), c(search))), 1);
  // a retransmission is not a second message; a search of 35 bytes is not one
  assert.ok(!matches(ar, tcp(c(search), c(search, -search.length))));
  assert.ok(!matches(ar, tcp(c(message(0x09, noise(32, 4))), s(message(0x12, noise(40, 2))))));
});

test('a chat room login, field by field', () => {
  const login = (name: string, version: string) =>
    message(
      0x02,
      noise(16, 5), // GUID
      le16(120), // shared files
      [0x00],
      le16(4567), // data port
      [203, 0, 113, 9], // supernode address
      le16(21530), // supernode port
      [0, 0, 0, 0],
      name,
      [0],
      version,
      [0],
      [192, 0, 2, 10, 198, 51, 100, 20], // local and external address
      [0x07, 0x00, 0x03, 0x00, 25, 1, 44], // features, uploads, slots, queued, age, gender, country
      'Somewhere',
      [0],
    );
  assert.equal(labelledAt(ar, tcp(c(login('alice', 'Ares 2.1.7.3041')))), 0);
  assert.ok(!matches(ar, tcp(c(login('alice', '2.1.7')))));
  assert.ok(!matches(ar, tcp(c(login('al\x01ce', 'Ares 2.1.7.3041')))));
  assert.ok(!matches(ar, tcp(c(bytes(login('alice', 'Ares 2.1.7.3041'), [0])))));
});

test('not Ares: other protocols', () => {
  assertNoLookAlike(ar);
  // another protocol with a 2-byte length prefix: one whole message from each side, no search
  assert.ok(!matches(ar, tcp(c(message(0x30, noise(20, 6))), s(message(0x31, noise(20, 7))))));
});

test('every signature names itself in via', () => {
  const search = message(0x09, [0x01, 0x00], le16(0x1234), [0x14], 'madonna');
  const login = message(
    0x02,
    noise(16, 5),
    le16(120),
    [0x00],
    le16(4567),
    [203, 0, 113, 9],
    le16(21530),
    [0, 0, 0, 0],
    'alice',
    [0],
    'Ares 2.1.7.3041',
    [0],
    [192, 0, 2, 10, 198, 51, 100, 20],
    [0x07, 0x00, 0x03, 0x00, 25, 1, 44],
  );
  assertEverySignature('ares', [
    ['ares-connect', tcp(c(bytes([0x03, 0x00, 0x5a, 0x04, 0x03, 0x05])))],
    ['ares-chat-login', tcp(c(login))],
    ['ares-search', tcp(c(search), s(message(0x12, noise(40, 2))))],
  ]);
});
