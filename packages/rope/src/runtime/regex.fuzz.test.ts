// Differential fuzzing of the linear-time matcher against V8: random patterns in JavaScript
// syntax over a small alphabet (so that matches happen), random subjects; wherever V8 accepts a
// pattern and rope does not refuse it, both must agree on every subject.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { compileRegex } from './regex.js';

/** FUZZ_SCALE=N runs N times the cases (`npm run fuzz`). */
const SCALE = Number(process.env.FUZZ_SCALE ?? 1);

/** Random patterns over a small alphabet, in JavaScript syntax. */
const patternArb: fc.Arbitrary<string> = fc.letrec<{ re: string; atom: string }>((tie) => ({
  atom: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom(
      'a',
      'b',
      'A',
      '1',
      ' ',
      '\\n',
      '\\xe9',
      '\\xc9',
      '.',
      '\\d',
      '\\D',
      '\\w',
      '\\W',
      '\\s',
      '\\S',
    ),
    fc.constantFrom(
      '[ab]',
      '[^a]',
      '[a-c1]',
      '[\\d_]',
      '[^\\s]',
      '[-a]',
      '[\\b]',
      '[]',
      '[^]',
      '\\{',
      'a{',
      '\\u00e9',
    ),
    fc.constantFrom('^', '$', '\\b', '\\B'),
    tie('re').map((r) => `(?:${r})`),
    tie('re').map((r) => `(${r})`),
  ),
  re: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    tie('atom'),
    fc
      .tuple(
        tie('atom'),
        fc.constantFrom('*', '+', '?', '{2}', '{1,3}', '{0,}', '*?', '+?', '{2,}?'),
      )
      .filter(([a]) => !/^[$^]$|^\\[bB]$/.test(a))
      .map(([a, q]) => a + q),
    fc.tuple(tie('re'), tie('re')).map(([x, y]) => x + y),
    fc.tuple(tie('re'), tie('re')).map(([x, y]) => `${x}|${y}`),
  ),
})).re;

const subjectArb = fc.string({
  unit: fc.constantFrom(
    'a',
    'b',
    'A',
    'B',
    '1',
    ' ',
    '_',
    '\n',
    '\r',
    '\xe9',
    '\xc9',
    '\xff',
    '{',
    '-',
  ),
  maxLength: 24,
});

test('random patterns match exactly what V8 matches', () => {
  fc.assert(
    fc.property(
      patternArb,
      fc.boolean(),
      fc.array(subjectArb, { maxLength: 8 }),
      (pattern, i, subjects) => {
        let js: RegExp;
        try {
          js = new RegExp(pattern, i ? 'i' : '');
        } catch {
          return true;
        }
        const r = compileRegex(pattern, i);
        if (typeof r === 'string') return /too large/.test(r) || assert.fail(`${pattern}: ${r}`);
        for (const s of subjects) if (r.test(s) !== js.test(s)) return false;
        return true;
      },
    ),
    { numRuns: 300 * SCALE },
  );
});

test('testBytes answers as test() on the same bytes read as latin1, inside a larger buffer', () => {
  fc.assert(
    fc.property(
      patternArb,
      fc.boolean(),
      fc.array(subjectArb, { maxLength: 8 }),
      fc.uint8Array({ maxLength: 6 }),
      (pattern, i, subjects, around) => {
        const r = compileRegex(pattern, i);
        if (typeof r === 'string' || !r.matchesBytes) return true;
        for (const s of subjects) {
          // the subject sits between other bytes, as a payload sits in its packet
          const buf = Buffer.concat([
            Buffer.from(around),
            Buffer.from(s, 'latin1'),
            Buffer.from(around),
          ]);
          const from = around.length;
          if (r.testBytes(buf, from, from + s.length) !== r.test(s)) return false;
        }
        return true;
      },
    ),
    { numRuns: 300 * SCALE },
  );
});
