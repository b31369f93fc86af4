// The built-in applejuice.rope over IPv4 and IPv6. No appleJuice core runs here; the one fact
// every detector has (IPP2P's xt_ipp2p.c, nDPI's applejuice.c, l7-filter's applejuice.pat) —
// a core opens its connection with "ajprot" and CRLF — is written out byte by byte.
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

const aj = builtin('applejuice');
const tcp = over('tcp', 9850);

test('ajprot CRLF opens a direction', () => {
  assert.equal(labelledAt(aj, tcp(c(bytes('ajprot\r\n', noise(40, 1))))), 0);
  assert.equal(labelledAt(aj, tcp(c(noise(20, 2)), s('ajprot\r\n'))), 1);
  // IPP2P and nDPI take it at the start of any packet; here only the first of a direction
  assert.ok(!matches(aj, tcp(c(noise(20, 2)), c('ajprot\r\n'))));
  assert.ok(!matches(aj, tcp(c('ajprot\n'))));
  assert.ok(!matches(aj, tcp(c('ajprotocol\r\n'))));
  assert.ok(!matches(aj, { l4: 'udp', steps: [c('ajprot\r\n')] }));
});

test('not appleJuice: other protocols', () => {
  assertNoLookAlike(aj);
});

test('every signature names itself in via', () => {
  assertEverySignature('applejuice', [['applejuice-hello', tcp(c(noise(20, 2)), s('ajprot\r\n'))]]);
});
