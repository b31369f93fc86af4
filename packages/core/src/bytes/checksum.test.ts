import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { finishChecksum, internetChecksum, sumBytes } from './checksum.js';

test('RFC 1071 example sums to 0xddf2 and checks to 0x220d', () => {
  const b = Uint8Array.from([0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7]);
  assert.equal(internetChecksum(b, 0, b.length), 0x220d);
});

test('a header carrying its own checksum verifies to zero', () => {
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 2, maxLength: 200 }), (data) => {
      const b = new Uint8Array(data.length + (data.length % 2) + 2);
      b.set(data);
      const c = internetChecksum(b, 0, b.length);
      b[b.length - 2] = c >> 8;
      b[b.length - 1] = c & 0xff;
      assert.equal(internetChecksum(b, 0, b.length), 0);
    }),
  );
});

test('odd lengths pad with a zero byte; sums fold beyond 16 bits', () => {
  assert.equal(finishChecksum(sumBytes(Uint8Array.from([0xff]), 0, 1)), 0x00ff);
  const big = new Uint8Array(200_000).fill(0xff);
  assert.equal(internetChecksum(big, 0, big.length), 0);
});
