// Literal decoding, with properties over random bytes and integers.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  decodeColonHex,
  decodeDotted,
  decodeInteger,
  decodeString,
  MAX_STRING_LITERAL,
} from './literals.js';

test('integers: decimal within int32, hex and octal as 32-bit patterns', () => {
  const ok = (t: string) => {
    const d = decodeInteger(t);
    assert.ok(d.ok, t);
    return d.value;
  };
  assert.equal(ok('0'), 0);
  assert.equal(ok('-0'), 0);
  assert.equal(ok('2147483647'), 2147483647);
  assert.equal(ok('-2147483648'), -2147483648);
  assert.equal(ok('0xffffffff'), -1);
  assert.equal(ok('037777777777'), -1);
  assert.equal(ok('-0x10'), -16);
  for (const bad of ['2147483648', '-2147483649', '0x100000000', '08', '040000000000'])
    assert.equal(decodeInteger(bad).ok, false, bad);
});

test('decimal integers round-trip over the whole int32 range', () => {
  fc.assert(
    fc.property(fc.integer({ min: -0x80000000, max: 0x7fffffff }), (n) => {
      const d = decodeInteger(String(n));
      return d.ok && d.value === n;
    }),
  );
});

test('any byte string survives being written with escapes', () => {
  const escape = (bytes: number[], style: number) =>
    '"' +
    bytes
      .map((b) => {
        const hex = b.toString(16).padStart(2, '0');
        if (style === 0) return `\\x${hex}`;
        if (style === 1) return `\\0x${hex}`;
        return `\\${b.toString(8).padStart(3, '0')}`;
      })
      .join('') +
    '"';
  fc.assert(
    fc.property(
      fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 64 }),
      fc.integer({ min: 0, max: 2 }),
      (bytes, style) => {
        const d = decodeString(escape(bytes, style));
        return d.ok && d.value === Buffer.from(bytes).toString('latin1');
      },
    ),
  );
});

test('escape errors point at the escape', () => {
  const d = decodeString('"ab\\qc"');
  assert.ok(!d.ok);
  assert.deepEqual([d.from, d.to], [3, 4]);
});

test('dotted and colon-hex literals', () => {
  assert.deepEqual(decodeDotted('10.0.0.255'), { ok: true, value: '\x0a\x00\x00\xff' });
  assert.equal(decodeDotted('1.256').ok, false);
  assert.deepEqual(decodeColonHex('de:AD:00'), { ok: true, value: '\xde\xad\x00' });
  fc.assert(
    fc.property(
      fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 2, maxLength: 255 }),
      (bytes) => {
        const dotted = decodeDotted(bytes.join('.'));
        const colon = decodeColonHex(bytes.map((b) => b.toString(16).padStart(2, '0')).join(':'));
        const want = Buffer.from(bytes).toString('latin1');
        return dotted.ok && dotted.value === want && colon.ok && colon.value === want;
      },
    ),
  );
});

test('string literals are capped at the string cap, with the length in the message', () => {
  const ok = decodeString('"' + 'a'.repeat(MAX_STRING_LITERAL) + '"');
  assert.ok(ok.ok && ok.value.length === MAX_STRING_LITERAL);
  const long = decodeString('"' + 'a'.repeat(MAX_STRING_LITERAL + 1) + '"');
  assert.ok(!long.ok && /longer than 65536 bytes, the string cap/.test(long.message));
  assert.equal(long.ok === false && long.from, undefined, 'about the whole literal');
  const huge = decodeString('"' + '\\x41'.repeat(5_000_000) + '"');
  assert.ok(!huge.ok);
});
