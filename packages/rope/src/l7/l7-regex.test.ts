// The translation of l7-filter's regex dialect, feature by feature (docs/l7-patterns.md lists the
// same quirks), and properties over random bytes and random patterns.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { compileRegex } from '../runtime/regex.js';
import { toLowerAscii } from '../runtime/bytes.js';
import { L7RegexError, translateL7Regex } from './l7-regex.js';

/** Does l7 pattern `p` match `data` as l7-filter's kernel match would (NULs already gone)? */
function l7Matches(p: string, data: string): boolean {
  const re = compileRegex(translateL7Regex(p), false);
  assert.equal(typeof re, 'object', String(re));
  return (re as Exclude<typeof re, string>).test(toLowerAscii(data));
}

/** The refusal of `p`: offset, length and message. */
function refusal(p: string): L7RegexError {
  try {
    translateL7Regex(p);
  } catch (e) {
    if (e instanceof L7RegexError) return e;
    throw e;
  }
  assert.fail(`${p} was accepted`);
}

test('\\xHH writes a byte, of any value but 0', () => {
  assert.equal(translateL7Regex('\\x13bittorrent'), '\\x13bittorrent');
  assert.ok(l7Matches('^\\xe3\\x01', '\xe3\x01rest'));
  assert.ok(l7Matches('^\\xFF', '\xff'));
  assert.ok(!l7Matches('^\\xe3', '\xe4'));
  const nul = refusal('ab\\x00');
  assert.equal(nul.offset, 2);
  assert.equal(nul.length, 4);
  assert.match(nul.message, /ends the pattern/);
});

test('\\xHH that decodes to a metacharacter is refused: l7-filter decoded it before compiling', () => {
  for (const [p, at] of [
    ['a\\x2eb', 1], // .
    ['a\\x2a', 1], // *
    ['\\x28a)', 0], // (
    ['a\\x7cb', 1], // |
    ['[a\\x5d]', 2], // ] closing the bracket
    ['[a\\x2dz]', 2], // - as a range
  ] as const) {
    const e = refusal(p);
    assert.equal(e.offset, at, p);
    assert.match(e.message, /metacharacter/, p);
  }
  // where the byte is not special it is the byte: `]` first in a bracket, `.` inside one
  assert.ok(l7Matches('^[^\\x5d]', 'a'));
  assert.ok(!l7Matches('^[^\\x5d]', ']'));
  assert.ok(l7Matches('[\\x2e]', '.'));
  assert.ok(!l7Matches('[\\x2e]', 'x'));
  assert.ok(l7Matches('[\\x09-\\x0d -~]+', 'a b\tc'));
});

test('matching ignores case: data is lower-cased, letters of the pattern match either case', () => {
  assert.ok(l7Matches('GET /data', 'get /DATA'));
  assert.ok(l7Matches('get', 'GeT'));
  assert.ok(l7Matches('[A-Z]+[0-9]', 'abc1'));
  assert.ok(l7Matches('^[[:upper:]]', 'x'), 'classes fold too');
  // a negated bracket leaves out both cases of what it lists
  assert.ok(!l7Matches('^[^a]', 'A'));
  assert.ok(!l7Matches('^[^A]', 'a'));
  assert.ok(l7Matches('^[^a]', 'b'));
  // bytes above 127 are not letters: no folding
  assert.ok(!l7Matches('^\\xe9', '\xc9'));
  assert.equal(translateL7Regex('HTTP/1\\.1'), 'http/1\\.1');
});

test('. matches any byte, newlines included', () => {
  assert.ok(l7Matches('a.b', 'a\nb'));
  assert.ok(l7Matches('a.b', 'a\rb'));
  assert.ok(l7Matches('a.b', 'a\xffb'));
  assert.equal(translateL7Regex('.'), '[\\x00-\\xff]');
});

test('^ and $ anchor at the start and end of all the data, not at lines', () => {
  assert.ok(l7Matches('^abc', 'abcdef'));
  assert.ok(!l7Matches('^abc', 'x\nabc'));
  assert.ok(l7Matches('azver\\x01$', 'azver\x01'));
  assert.ok(!l7Matches('azver\\x01$', 'azver\x01\n'));
  assert.ok(l7Matches('^(a|b)|c', 'xc'), '^ binds to its branch');
});

test('|, *, +, ? and groups', () => {
  assert.ok(l7Matches('^(ab|cd)+e?$', 'abcdab'));
  assert.ok(l7Matches('^(ab|cd)+e?$', 'cde'));
  assert.ok(!l7Matches('^(ab|cd)+e?$', 'abc'));
  assert.ok(l7Matches('^x*y', 'y'));
  assert.ok(l7Matches('a||b', 'zzz'), 'an empty branch matches nothing, everywhere');
  assert.ok(l7Matches('^()?a', 'a'));
  assert.equal(translateL7Regex('(a|b)c'), '(?:a|b)c');
  assert.equal(translateL7Regex('(ab)*'), '(?:ab)*');
});

test('brackets: Spencer rules — no escapes inside, ] first, - first or last, ranges, POSIX classes', () => {
  assert.ok(l7Matches('^[]a]+$', ']a]'));
  assert.ok(l7Matches('^[-a]+$', '-a'));
  assert.ok(l7Matches('^[a-]+$', '-a'));
  assert.ok(l7Matches('^[\\x01\\\\]$', '\\'), 'a backslash is itself');
  assert.ok(l7Matches('^[\\x01\\\\]$', '\x01'));
  assert.ok(l7Matches('^[[:digit:]]+$', '0123456789'));
  assert.ok(!l7Matches('^[[:digit:]]+$', '0x'));
  assert.ok(l7Matches('^[[:alpha:][:space:]]+$', 'ab c'));
  assert.ok(l7Matches('^[[:xdigit:]]+$', 'DEADbeef'));
  assert.ok(!l7Matches('^[[:print:]]$', '\x7f'));
  assert.match(refusal('[[:foo:]]').message, /unknown POSIX class/);
  assert.match(refusal('[z-a]').message, /ends before it starts/);
  assert.match(refusal('[ab').message, /unmatched `\[`/);
  const dash = refusal('[a-z0-9\\-_]+');
  assert.equal(dash.offset, 7);
  assert.match(dash.message, /range/);
});

test('what the kernel regex refuses, or reads otherwise than it looks, is an error at its place', () => {
  const cases: [string, number, RegExp][] = [
    ['ab)', 2, /unmatched `\)`/],
    ['(ab', 0, /unmatched `\(`/],
    ['*a', 0, /follows nothing/],
    ['a|+b', 2, /follows nothing/],
    ['a**', 2, /repetition of a repetition/],
    ['(a*)*', 4, /can match nothing/],
    ['^*', 1, /can match nothing/],
    ['a{2,3}', 1, /counted repetition/],
    ['\\d+', 0, /just the character `d`/],
    ['a\\', 1, /trailing/],
    ['', 0, /empty/],
  ];
  for (const [p, at, message] of cases) {
    const e = refusal(p);
    assert.equal(e.offset, at, p);
    assert.match(e.message, message, p);
  }
  // `{` that starts no count, and escaped metacharacters, are characters
  assert.ok(l7Matches('a{b', 'a{b'));
  assert.ok(l7Matches('^\\$\\(\\)\\*\\+\\.\\?\\[\\]\\^\\{\\|\\}\\\\$', '$()*+.?[]^{|}\\'));
});

const META = '^$.[]()*+?{}|\\';

test('property: a pattern of \\xHH bytes matches exactly the data that contains them, any case', () => {
  fc.assert(
    fc.property(
      fc.uint8Array({ minLength: 1, maxLength: 12 }).map((a) => a.map((b) => b || 1)),
      fc.uint8Array({ maxLength: 40 }).map((a) => a.map((b) => b || 1)),
      (needle, hay) => {
        // metacharacters escaped with `\`, every other byte as \xHH
        const p = [...needle]
          .map((b) =>
            META.includes(String.fromCharCode(b))
              ? `\\${String.fromCharCode(b)}`
              : `\\x${b.toString(16).padStart(2, '0')}`,
          )
          .join('');
        const s = String.fromCharCode(...needle);
        const data = String.fromCharCode(...hay);
        const upper = s.replace(/[a-z]/g, (c) => c.toUpperCase());
        assert.equal(l7Matches(p, data + upper + data), true);
        assert.equal(
          l7Matches(p, data),
          toLowerAscii(data).includes(toLowerAscii(s)),
          `${JSON.stringify(p)} on ${JSON.stringify(data)}`,
        );
      },
    ),
    { numRuns: 300 },
  );
});

/** Random l7 patterns over a small ASCII alphabet, with V8's reading of the same pattern. */
const atom = fc.oneof(
  fc.constantFrom('a', 'B', 'c', '.', '[a-c]', '[^b]', '[[:digit:]]', '\\.', '\\x41', '1'),
);
const piece = fc.tuple(atom, fc.constantFrom('', '', '*', '+', '?')).map(([a, q]) => a + q);
const branch = fc.array(piece, { minLength: 1, maxLength: 4 }).map((p) => p.join(''));
const l7Pattern = fc
  .tuple(
    fc.boolean(),
    fc.array(branch, { minLength: 1, maxLength: 3 }),
    fc.boolean(),
    fc.array(branch, { maxLength: 2 }),
  )
  .map(
    ([anchor, alts, group, tail]) =>
      (anchor ? '^' : '') + (group ? `(${alts.join('|')})` : alts.join('|')) + tail.join(''),
  );

test('property: random patterns match as V8 reads them with i and s flags (ASCII data)', () => {
  fc.assert(
    fc.property(
      l7Pattern,
      fc
        .array(fc.constantFrom('a', 'A', 'b', 'B', 'c', '1', '.', '\n', 'x'), { maxLength: 12 })
        .map((a) => a.join('')),
      (p, data) => {
        const v8 = new RegExp(p.replace(/\[\[:digit:\]\]/g, '[0-9]'), 'is').test(data);
        assert.equal(l7Matches(p, data), v8, `${p} on ${JSON.stringify(data)}`);
      },
    ),
    { numRuns: 500 },
  );
});
