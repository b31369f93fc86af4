import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  decodeMessage,
  decodeStored,
  encodeMessage,
  encodeStored,
  messageChange,
  parseShareKey,
  shareKey,
} from './share-codec.js';

const bytesKey = fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b).toString('latin1'));
const tableName = fc.stringMatching(/^[A-Za-z][A-Za-z0-9_.-]{0,20}$/);

test('share codec: a Redis key names its table and key bytes, round trip', () => {
  assert.equal(shareKey('peers', '\xc0\x00\x02\x01'), 'p2pwall:t:peers:c0000201');
  fc.assert(
    fc.property(tableName, bytesKey, (table, key) => {
      assert.deepEqual(parseShareKey(shareKey(table, key)), { table, key });
    }),
  );
  for (const k of ['other:key', 'p2pwall:t:peers', 'p2pwall:t:peers:abc', 'p2pwall:t:peers:ZZ'])
    assert.equal(parseShareKey(k), null, k);
});

test('share codec: a change message carries the remaining lifetime and round-trips', () => {
  fc.assert(
    fc.property(
      tableName,
      bytesKey,
      fc.integer({ min: 0, max: 2_592_000 }),
      fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
      fc.string({ maxLength: 40 }),
      (table, key, life, value, note) => {
        const now = 1_700_000_000;
        const c = { table, key, expires: life === 0 ? 0 : now + life, value, note };
        const m = decodeMessage(encodeMessage(c, 'gw1:42:abcdef', now));
        assert.ok(m);
        assert.equal(m.origin, 'gw1:42:abcdef');
        assert.equal(m.ms, life * 1000);
        // seen on a gateway whose clock is 5 s ahead: the same lifetime from its own now
        assert.deepEqual(messageChange(m, now + 5), {
          ...c,
          expires: life === 0 ? 0 : now + 5 + life,
        });
      },
    ),
  );
  for (const t of [
    '',
    '{',
    '{"origin":"x"}',
    '{"origin":"a","table":"t","key":"zz","ms":1,"value":0,"note":""}',
  ])
    assert.equal(decodeMessage(t), null, t);
});

test('share codec: a stored entry round-trips; anything else is refused', () => {
  const e = { value: 3, note: 'bittorrent', origin: 'gw2:7:000000' };
  assert.deepEqual(decodeStored(encodeStored(e)), e);
  for (const t of ['', 'x', '{"v":"1","n":"","o":""}', '[]'])
    assert.equal(decodeStored(t), null, t);
});
