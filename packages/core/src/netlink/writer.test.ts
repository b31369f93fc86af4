import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { NlWriter } from './writer.js';

test('property: be64Number writes the bytes be64 writes for the same value as a bigint', () => {
  fc.assert(
    fc.property(fc.maxSafeNat(), fc.integer({ min: 1, max: 0x7fff }), (v, type) => {
      const a = new NlWriter(8).begin(0x100, 0, 1).be64Number(type, v).finish();
      const b = new NlWriter(8).begin(0x100, 0, 1).be64(type, BigInt(v)).finish();
      assert.deepEqual(a, b);
    }),
  );
  // the edges of each 32-bit half
  for (const v of [0, 1, 0xffffffff, 0x100000000, Number.MAX_SAFE_INTEGER]) {
    const a = new NlWriter().begin(0x100, 0, 1).be64Number(1, v).finish();
    const b = new NlWriter().begin(0x100, 0, 1).be64(1, BigInt(v)).finish();
    assert.deepEqual(a, b, String(v));
  }
});

test('be64Number refuses what it cannot write exactly', () => {
  for (const v of [-1, 0.5, Number.MAX_SAFE_INTEGER + 1, NaN, Infinity])
    assert.throws(() => new NlWriter().be64Number(1, v), RangeError, String(v));
});

const attr = fc.oneof(
  fc.record({ kind: fc.constant('u8' as const), v: fc.integer({ min: 0, max: 0xff }) }),
  fc.record({ kind: fc.constant('be16' as const), v: fc.integer({ min: 0, max: 0xffff }) }),
  fc.record({ kind: fc.constant('be32' as const), v: fc.nat() }),
  fc.record({ kind: fc.constant('bytes' as const), v: fc.uint8Array({ maxLength: 300 }) }),
);

test('property: room made ahead with ensureCapacity changes no byte written', () => {
  fc.assert(
    fc.property(
      fc.array(fc.tuple(attr, fc.option(fc.nat({ max: 5000 }))), { minLength: 1, maxLength: 30 }),
      fc.integer({ min: 1, max: 64 }),
      (steps, initial) => {
        const plain = new NlWriter(initial).begin(0x100, 0, 1);
        const hinted = new NlWriter(initial).begin(0x100, 0, 1);
        steps.forEach(([a, hint], i) => {
          if (hint !== null) hinted.ensureCapacity(hint);
          for (const w of [plain, hinted]) {
            if (a.kind === 'u8') w.u8(i + 1, a.v);
            else if (a.kind === 'be16') w.be16(i + 1, a.v);
            else if (a.kind === 'be32') w.be32(i + 1, a.v);
            else w.bytes(i + 1, a.v);
          }
        });
        assert.deepEqual(hinted.finish(), plain.finish());
      },
    ),
  );
});
