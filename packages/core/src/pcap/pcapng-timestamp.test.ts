import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { TsResolution } from './pcapng-timestamp.js';

/** The exact answer, with BigInt. */
function reference(code: number, hi: number, lo: number): [number, number] {
  const v = (BigInt(hi) << 32n) | BigInt(lo);
  const e = BigInt(code & 0x7f);
  const u = code & 0x80 ? 1n << e : 10n ** e;
  return [Number(v / u), Number(((v % u) * 1_000_000_000n) / u)];
}

const codes = [
  ...Array.from({ length: 20 }, (_, i) => i),
  ...Array.from({ length: 64 }, (_, i) => 0x80 | i),
];

test('every resolution 10^-0…10^-19 and 2^-0…2^-63 splits exactly like BigInt arithmetic', () => {
  fc.assert(
    fc.property(
      fc.constantFrom(...codes),
      fc.nat({ max: 0xffffffff }),
      fc.nat({ max: 0xffffffff }),
      (code, hi, lo) => {
        const out = { tsSec: 0, tsNsec: 0 };
        new TsResolution(code).split(hi, lo, out);
        const [sec, nsec] = reference(code, hi, lo);
        // seconds beyond 2^53 cannot be exact as numbers; compare the rounded value
        assert.equal(out.tsSec, sec);
        assert.equal(out.tsNsec, nsec);
      },
    ),
    { numRuns: 5000 },
  );
});

test('nanosecond timestamps of today (beyond 2^53 units) are exact', () => {
  const units = 1700000000_123456789n;
  const out = { tsSec: 0, tsNsec: 0 };
  new TsResolution(9).split(Number(units >> 32n), Number(units & 0xffffffffn), out);
  assert.deepEqual(out, { tsSec: 1700000000, tsNsec: 123456789 });
});

test('resolutions a 64-bit counter cannot hold are refused', () => {
  assert.throws(() => new TsResolution(20), RangeError);
  assert.throws(() => new TsResolution(0x80 | 64), RangeError);
});
