// The built-in soulseek.rope, signature by signature, over IPv4 and IPv6. No Soulseek client runs
// here, so every message is built from Nicotine+'s protocol notes (doc/SLSKPROTOCOL.md): framing
// <length u32 LE><code u32><fields>, strings as <length u32><bytes>; the server Login (code 1:
// username, password, version, MD5 hex of username+password, minor version); the peer
// connection's first messages PeerInit (1-byte code 1: username, type P/F/D, token) and
// PierceFireWall (1-byte code 0: token); peer messages such as QueueUpload (43) and
// PlaceInQueue (44). Look-alikes that IPP2P (xt_ipp2p.c) would accept must not match.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import {
  assertEverySignature,
  builtin,
  bytes,
  c,
  labelledAt,
  le32,
  matches,
  noise,
  s,
  over,
} from './harness.test.js';
import { assertNoLookAlike } from './look-alikes.test.js';

const sl = builtin('soulseek');
const tcp = over('tcp', 2242);

const str = (text: string) => bytes(le32(Buffer.byteLength(text, 'latin1')), text);
/** A server or peer message: <length><code u32><fields>. */
const message = (code: number, ...fields: (string | number[] | Uint8Array)[]) => {
  const body = bytes(le32(code), ...fields);
  return bytes(le32(body.length), body);
};
/** A peer-connection opening message: <length><code u8><fields>. */
const initMessage = (code: number, ...fields: (string | number[] | Uint8Array)[]) => {
  const body = bytes([code], ...fields);
  return bytes(le32(body.length), body);
};
const md5hex = (text: string) => createHash('md5').update(text).digest('hex');
const login = (user = 'alice', pass = 'secret', minor: number[] = le32(100)) =>
  message(1, str(user), str(pass), le32(160), str(md5hex(user + pass)), minor);

test('the login to the server, field by field', () => {
  assert.equal(labelledAt(sl, tcp(c(login()))), 0);
  assert.ok(matches(sl, tcp(c(login('bob', '', [])))), 'an old client without the minor version');
  assert.ok(matches(sl, tcp(c(noise(30, 1)), c(login()))), 'also after something else');
  // a hash that is not 32 hex digits, a length that does not agree, a control character
  assert.ok(
    !matches(sl, tcp(c(message(1, str('alice'), str('x'), le32(160), str('nothex'), le32(1))))),
  );
  assert.ok(!matches(sl, tcp(c(bytes(login(), [0])))));
  assert.ok(!matches(sl, tcp(c(login('al\x01ice')))));
});

test('the opening of a peer connection: PeerInit', () => {
  const init = (type: string, extra: number[] = []) =>
    initMessage(1, str('alice'), str(type), extra, le32(0));
  assert.equal(labelledAt(sl, tcp(c(init('P')))), 0);
  assert.ok(matches(sl, tcp(c(init('F')))));
  assert.ok(matches(sl, tcp(c(init('P', le32(300))))), "old clients' extra field");
  // followed in the same packet by a peer message
  assert.ok(matches(sl, tcp(c(bytes(init('P'), message(43, str('Music\\song.flac')))))));
  assert.ok(!matches(sl, tcp(c(init('X')))));
  assert.ok(!matches(sl, tcp(c(noise(20, 2)), c(init('P')))), 'only as the first message');
  assert.ok(!matches(sl, tcp(c(bytes(init('P'), [0])))));
});

test('PierceFireWall, confirmed by the peer messages after it', () => {
  const pierce = initMessage(0, le32(123456));
  const queue = message(43, str('Music\\song.flac'));
  const place = message(44, str('Music\\song.flac'), le32(3));
  assert.ok(!matches(sl, tcp(c(pierce))));
  assert.equal(labelledAt(sl, tcp(c(pierce), s(queue))), 1);
  assert.equal(labelledAt(sl, tcp(c(pierce), c(place))), 1);
  assert.equal(labelledAt(sl, tcp(c(bytes(pierce, queue)))), 0);
  assert.ok(!matches(sl, tcp(c(pierce), s(noise(40, 3)))));
});

test('other messages: framed, with a known code, from both sides', () => {
  const request = message(43, str('Music\\song.flac')); // QueueUpload
  const answer = message(44, str('Music\\song.flac'), le32(3)); // PlaceInQueue
  assert.equal(labelledAt(sl, tcp(c(request), s(answer))), 1);
  assert.ok(!matches(sl, tcp(c(request), c(answer))), 'one side is not enough');
  // IPP2P: a length that agrees and a code 00 yy yy 00 — any code below 2^24 with a zero low byte
  assert.ok(
    !matches(sl, tcp(c(message(0x00123400, noise(10, 4))), s(message(0x00567800, noise(12, 5))))),
  );
  assert.ok(!matches(sl, tcp(c(message(43, str('x'))), s(bytes(message(44, str('x')), [1])))));
});

test('not Soulseek: other protocols', () => {
  assertNoLookAlike(sl);
  // another protocol with a little-endian length prefix and an unknown message type
  assert.ok(!matches(sl, tcp(c(message(200, noise(20, 6))), s(message(201, noise(8, 7))))));
});

test('every signature names itself in via', () => {
  const queue = message(43, str('Music\\song.flac'));
  assertEverySignature('soulseek', [
    ['soulseek-login', tcp(c(login()))],
    ['soulseek-peer-init', tcp(c(initMessage(1, str('alice'), str('P'), le32(0))))],
    ['soulseek-pierce-firewall', tcp(c(bytes(initMessage(0, le32(123456)), queue)))],
    ['soulseek-messages', tcp(c(queue), s(message(44, str('Music\\song.flac'), le32(3))))],
    ['soulseek-messages', tcp(c(initMessage(0, le32(123456))), s(queue))],
  ]);
});
