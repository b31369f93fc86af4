// Character classes resolved to byte tables, checked against V8 on every byte; and the code units
// above 0xFF that fold with a byte (kept in char-set.ts) against a search of all 65,536.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalize, foldClass, FOLDS_ABOVE_BYTES } from './char-set.js';
import { compileRegex } from '../regex.js';

test('the fold classes of the bytes are those a search of every code unit finds', () => {
  const byCanon = new Map<number, number[]>();
  for (let b = 0; b < 256; b++) byCanon.set(canonicalize(b), []);
  for (let u = 0; u <= 0xffff; u++) byCanon.get(canonicalize(u))?.push(u);
  const above = new Map<number, number[]>();
  for (let b = 0; b < 256; b++) {
    const members = byCanon.get(canonicalize(b))!;
    assert.deepEqual(
      [...foldClass(b)].sort((x, y) => x - y),
      members,
      `byte 0x${b.toString(16)}`,
    );
    const big = members.filter((u) => u > 0xff);
    if (big.length > 0) above.set(b, big);
  }
  assert.deepEqual(new Map([...FOLDS_ABOVE_BYTES].map(([b, us]) => [b, [...us]])), above);
});

const CLASSES = [
  '[a-z]',
  '[^a-z]',
  '[A-Z0-9_]',
  '[\\xb5]',
  '[\\u039c]',
  '[\\u03bc-\\u03bd]',
  '[^\\u0178]',
  '[\\u0178]',
  '[\\xe0-\\xfe]',
  '[\\u0100-\\uffff]',
  '[^\\u0100-\\uffff]',
  '[\\x00-\\x1f\\x7f-\\xff]',
  '[k\\u212a]',
  '[s\\u017f]',
  '[\\u0130\\u0131i]',
  '[\\xdf]',
  '[^\\s]',
  '\\w',
  '\\W',
  '\\d',
  '.',
  '[\\x00-\\u0100]',
  '[^\\xff]',
];

test('every class matches each byte as V8 does, with and without the i flag', () => {
  for (const cls of CLASSES) {
    for (const ignoreCase of [false, true]) {
      const ours = compileRegex(`^${cls}$`, ignoreCase);
      assert.ok(typeof ours !== 'string', ours as string);
      const v8 = new RegExp(`^${cls}$`, ignoreCase ? 'i' : '');
      for (let b = 0; b < 256; b++) {
        const s = String.fromCharCode(b);
        assert.equal(
          ours.test(s),
          v8.test(s),
          `${cls} ${ignoreCase ? 'i' : ''} on 0x${b.toString(16)}`,
        );
      }
    }
  }
});
