// The built-in winmx.rope, signature by signature, over IPv4 and IPv6. WinMX's protocol was never
// published and no client runs here; the packets are built from what IPP2P (xt_ipp2p.c) and
// nDPI (winmx.c) document of it: the accepting side's greeting "1", a lone "SEND" or "GET", the
// request line after it (ending with a space and a number), the combined form with two quoted
// strings, and the fixed 149-byte packet. What IPP2P alone would accept must not match.
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

const mx = builtin('winmx');
const tcp = over('tcp', 6699);

test('the greeting "1" and a lone SEND or GET, each opening its side', () => {
  assert.equal(labelledAt(mx, tcp(s('1'), c('SEND'))), 1);
  assert.equal(labelledAt(mx, tcp(c('GET'), s('1'))), 1);
  // IPP2P labels a lone SEND or GET by itself
  assert.ok(!matches(mx, tcp(c('SEND'), s(noise(30, 1)))));
  assert.ok(!matches(mx, tcp(c('GET'))));
  assert.ok(!matches(mx, tcp(s('1'), c('PUT'))));
  assert.ok(!matches(mx, tcp(s('2'), c('SEND'))));
  assert.ok(!matches(mx, tcp(s('x'), s('1'), c('SEND'))), 'the greeting opens its side');
});

test('the request line after a lone SEND or GET', () => {
  const line = 'alice_123 "C:\\Shared\\song.mp3" 0';
  assert.equal(labelledAt(mx, tcp(c('SEND'), c(line))), 1);
  assert.equal(labelledAt(mx, tcp(c('GET'), s(noise(20, 2)), c('bob "movie.avi" 1048576'))), 2);
  assert.ok(!matches(mx, tcp(c('SEND'), c('alice "song.mp3" x'))));
  assert.ok(!matches(mx, tcp(c('SEND'), c('alice song.mp3 0'))));
  assert.ok(!matches(mx, tcp(c('SEND'), c('alice "song.mp3"\r\n 0'))));
  assert.ok(!matches(mx, tcp(c('hello'), c(line))));
});

test('SEND or GET with two quoted strings in one packet', () => {
  assert.ok(matches(mx, tcp(c('SEND alice "song.mp3" "12345"'))));
  // IPP2P: "GET" and two ' "' anywhere — an HTTP request with quoted header values
  assert.ok(!matches(mx, tcp(c('GET / HTTP/1.1\r\nIf-None-Match: "a", "b"\r\n\r\n'))));
  assert.ok(!matches(mx, tcp(c('x'), c('SEND alice "song.mp3" "12345"'))));
});

test('the fixed 149-byte packet', () => {
  const p = bytes('8', noise(148, 3));
  p.fill(0, 17, 29);
  p.fill(0, 39, 41);
  p.set([0x7e, 0xdf], 135);
  p.set([0xf7, 0x92], 147);
  assert.ok(matches(mx, tcp(c(p))));
  const q = Uint8Array.from(p);
  q[20] = 1;
  assert.ok(!matches(mx, tcp(c(q))));
  assert.ok(!matches(mx, tcp(c(bytes(p, [0])))));
});

test('not WinMX: other protocols', () => {
  assertNoLookAlike(mx);
});

test('every signature names itself in via', () => {
  const p = bytes('8', noise(148, 3));
  p.fill(0, 17, 29);
  p.fill(0, 39, 41);
  p.set([0x7e, 0xdf], 135);
  p.set([0xf7, 0x92], 147);
  assertEverySignature('winmx', [
    ['winmx-greeting', tcp(s('1'), c('SEND'))],
    ['winmx-request', tcp(c('SEND'), c('alice_123 "C:\\Shared\\song.mp3" 0'))],
    ['winmx-send-quoted', tcp(c('SEND alice "song.mp3" "12345"'))],
    ['winmx-peer-149', tcp(c(p))],
  ]);
});
