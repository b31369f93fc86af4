import { test } from 'node:test';
import assert from 'node:assert/strict';
import { signatureOption, TCPOPT_MD5SIG, TCPOPT_MPTCP } from './signature-option.js';

test('finds MD5/AO/MPTCP among TCP options, walking NOPs and lengths, never past the end', () => {
  // NOP NOP timestamps(10) then MD5 signature(18)
  const md5 = Uint8Array.from([
    1,
    1,
    8,
    10,
    0,
    0,
    0,
    1,
    0,
    0,
    0,
    2,
    19,
    18,
    ...new Array(16).fill(7),
  ]);
  assert.equal(signatureOption(md5, 0, md5.length), TCPOPT_MD5SIG);
  assert.equal(signatureOption(Uint8Array.from([2, 4, 5, 0xb4, 30, 12, 0]), 0, 7), TCPOPT_MPTCP);
  assert.equal(signatureOption(Uint8Array.from([1, 1, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2]), 0, 12), 0);
  assert.equal(
    signatureOption(Uint8Array.from([8, 0, 19]), 0, 3),
    0,
    'a zero length stops the walk',
  );
  assert.equal(signatureOption(Uint8Array.from([0, 19, 18]), 0, 3), 0, 'end of options');
});
