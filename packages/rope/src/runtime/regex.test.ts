// The linear-time matcher: hostile patterns on 64 KiB subjects finish (the test's timeout is only
// a hang guard), results agree with V8's RegExp wherever both run, and what cannot run in linear
// time is refused with a reason.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Worker } from 'node:worker_threads';
import fc from 'fast-check';
import { cachedRegex, compileRegex, MAX_INSTRUCTIONS, type Regex } from './regex.js';
/** FUZZ_SCALE=N runs N times the random cases (`npm run fuzz`). */
const SCALE = Number(process.env.FUZZ_SCALE ?? 1);

function compiled(pattern: string, ignoreCase = false): Regex {
  const r = compileRegex(pattern, ignoreCase);
  if (typeof r === 'string') assert.fail(`${pattern} refused: ${r}`);
  return r;
}

const K64 = 65536;

test(
  'patterns that backtrack badly run in linear time on 64 KiB subjects',
  { timeout: 20_000 },
  () => {
    const cases: [string, string, boolean][] = [
      ['Z*Q', 'Z'.repeat(K64), false],
      ['Z*Q', 'Z'.repeat(K64 - 1) + 'Q', true],
      ['[0-9]+:', '1'.repeat(K64), false],
      ['[0-9]+:', '1'.repeat(K64 - 1) + ':', true],
      ['(A|B)*C', 'AB'.repeat(K64 / 2), false],
      ['(A|B)*C', 'AB'.repeat(K64 / 2 - 1) + 'AC', true],
      ['(A+)+C', 'A'.repeat(K64), false],
      ['(A+)+C', 'A'.repeat(K64 - 1) + 'C', true],
      ['(?:a|b|c|d|e)*z.{10,100}q', 'abcdez'.repeat(K64 / 8), false],
      ['(?:a|b|c|d|e)*z.{10,100}q', 'abcde'.repeat(K64 / 8) + 'z' + 'x'.repeat(50) + 'q', true],
      ['((((a*)*)*)*)*y', 'a'.repeat(K64), false],
      ['(?:x+x+)+y', 'x'.repeat(K64), false],
      ['^(a|a)*$', 'a'.repeat(K64) + 'b', false],
      ['^(a|a)*$', 'a'.repeat(K64), true],
    ];
    for (const [pattern, subject, want] of cases) {
      for (let round = 0; round < 3; round++)
        assert.equal(compiled(pattern).test(subject), want, `${pattern} round ${round}`);
    }
  },
);

test('a pattern whose DFA would be exponential stays right when the state cache is emptied', () => {
  // (a|b)*a(a|b){12}c needs 2^13 DFA states: the cache fills and is rebuilt many times
  const pattern = '(?:a|b)*a(?:a|b){12}c';
  const r = compiled(pattern);
  const js = new RegExp(pattern);
  fc.assert(
    fc.property(fc.string({ unit: fc.constantFrom('a', 'b', 'c'), maxLength: 3000 }), (s) => {
      return r.test(s) === js.test(s);
    }),
    { numRuns: 30 * SCALE },
  );
  let s = '';
  for (let i = 0; i < 4096; i++) s += 'ab'[(i * 7919) % 3 === 0 ? 0 : 1];
  assert.equal(r.test(s + 'c'), js.test(s + 'c'));
});

test('refused: backreferences, lookarounds, patterns too large or too deep', () => {
  const refused: [string, RegExp][] = [
    ['(a)x\\1', /backreferences/],
    ['(?<n>a)\\k<n>', /backreferences/],
    ['a(?=b)', /lookahead/],
    ['a(?!b)', /lookahead/],
    ['(?<=a)b', /lookbehind/],
    ['(?<!a)b', /lookbehind/],
    ['(?:a{100}){200}', /too large/],
    ['x{1000000000}', /too large/],
    ['x{' + '9'.repeat(60) + '}', /too large/],
    ['('.repeat(100) + 'a' + ')'.repeat(100), /nested more than/],
    ['a(b', /^invalid regular expression: /],
  ];
  for (const [pattern, why] of refused) {
    const r = compileRegex(pattern, false);
    assert.equal(typeof r, 'string', pattern);
    assert.match(r as string, why, pattern);
  }
  assert.ok(MAX_INSTRUCTIONS >= 4000, 'room for the built-in scripts');
  // without groups, `\1` is an octal escape and `\k` a letter, as in JavaScript
  assert.equal(compiled('\\1').test('\x01'), true);
  assert.equal(compiled('\\k<n>').test('k<n>'), true);
  assert.equal(typeof cachedRegex('(a)\\1', false), 'string');
});

test('the built-in scripts’ patterns behave as in JavaScript', () => {
  const samples: [string, string][] = [
    ['^[A-Z]+ [^ \r\n]+ HTTP/1\\.[01]\r?\n', 'GET /x HTTP/1.1\r\nHost: a\r\n'],
    ['^HTTP/1\\.[01] [0-9]{3}', 'HTTP/1.1 200 OK'],
    [
      "^(?:GET|POST) [^ ]*[?&]info_hash=(?:%[0-9A-Fa-f]{2}|[!-$'-~]){20}(?:[& #]|$)",
      'GET /announce?info_hash=%12%34%56%78%9a%bc%de%f0%12%34%56%78%9a%bc%de%f0%12%34%56%78&port=1 HTTP/1.0',
    ],
    ['1:eli[0-9]+e[0-9]+:', 'd1:eli3e4:abcd'],
    [
      '^QUEUE [0-9A-Fa-f]{32} [0-9]{1,3}(?:\\.[0-9]{1,3}){3}:[0-9]{1,5}',
      'QUEUE ' + 'a'.repeat(32) + ' 10.0.0.1:6346',
    ],
    ['^H(?:T(?:T(?:P(?:/(?:1(?:\\.(?:[01](?: [0-9]{0,3})?)?)?)?)?)?)?)?$', 'HTTP/1.1 20'],
  ];
  for (const [pattern, subject] of samples) {
    for (const s of [
      subject,
      subject.slice(1),
      subject.toLowerCase(),
      subject + '\n',
      'x' + subject,
    ]) {
      for (const i of [false, true])
        assert.equal(
          compiled(pattern, i).test(s),
          new RegExp(pattern, i ? 'i' : '').test(s),
          `${pattern} on ${JSON.stringify(s)}`,
        );
    }
  }
});

test('case folding agrees with JavaScript for every pair of bytes', () => {
  for (let p = 0; p < 256; p++) {
    const pattern = `\\x${p.toString(16).padStart(2, '0')}`;
    const r = compiled(pattern, true);
    const js = new RegExp(pattern, 'i');
    for (let s = 0; s < 256; s++) {
      const subject = String.fromCharCode(s);
      if (r.test(subject) !== js.test(subject)) assert.fail(`${pattern} /i on byte ${s}`);
    }
  }
  // classes, escapes and `\u` code points above 0xff fold the same way
  for (const pattern of [
    '[a-f]',
    '[^a-f]',
    '\\W',
    '[\\w]',
    '\\u0178',
    '[\\u0100-\\u017f]',
    '\\u039c',
    '[^\\u039c]',
  ]) {
    const r = compiled(pattern, true);
    const js = new RegExp(pattern, 'i');
    for (let s = 0; s < 256; s++) {
      const subject = String.fromCharCode(s);
      assert.equal(r.test(subject), js.test(subject), `${pattern} /i on byte ${s}`);
    }
  }
});

test('no V8 flag is involved: the built matcher runs the same in a worker thread', async () => {
  // rope run classifies in worker threads, from dist/
  const built = new URL('../../dist/runtime/regex.js', import.meta.url).href;
  const code = `const { parentPort } = require('node:worker_threads');
    import(${JSON.stringify(built)}).then(({ compileRegex }) => parentPort.postMessage([
      compileRegex('(A|B)*C', false).test('AB'.repeat(32768)),
      compileRegex('(A|B)*C', false).test('AB'.repeat(32767) + 'AC'),
      compileRegex('(a)\\\\1', false),
    ]));`;
  const result = await new Promise((resolve, reject) => {
    const w = new Worker(code, { eval: true });
    w.once('message', (m) => {
      resolve(m);
      void w.terminate();
    });
    w.once('error', reject);
  });
  assert.deepEqual(result, [
    false,
    true,
    'backreferences (`\\1`) are not supported: matching them can take exponential time on hostile packets',
  ]);
});
