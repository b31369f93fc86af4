// `left` and `substr` of `$data` and `$packet` read the packet's bytes in place until a run makes
// the register's string (in-place.ts). Random payloads, offsets and lengths: each answer must be
// the one the string gives (the same script after `$data strlen`, which makes both strings).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { run, tcp } from '../conformance/harness.test.js';

/** FUZZ_SCALE=N runs N times the cases (`npm run fuzz`). */
const SCALE = Number(process.env.FUZZ_SCALE ?? 1);

test('left and substr of $data and $packet in place answer as their strings do', () => {
  fc.assert(
    fc.property(
      fc.uint8Array({ maxLength: 40 }),
      fc.integer({ min: -3, max: 100 }),
      fc.integer({ min: -3, max: 100 }),
      fc.constantFrom('$data', '$packet'),
      (payload, start, len, register) => {
        const words = `${register} ${start} left ${register} ${start} ${len} substr $data ${len} left`;
        const packet = tcp(payload);
        const inPlace = run({ script: words, packet });
        const strings = run({
          script: `$data strlen $packet strlen drop drop ${words}`,
          packet,
        });
        assert.equal(inPlace.verdict, 'OKAY');
        assert.deepEqual(inPlace.stack, strings.stack);
      },
    ),
    { numRuns: 300 * SCALE },
  );
});
