// The pattern file format, and the diagnostics of a pattern file: file:line:col with a caret,
// pointing into the .pat file.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compile } from '../compile/compile.js';
import { renderDiagnostics } from '../diagnostic.js';
import { compilePattern, convertPattern } from './load-pattern.js';
import { parsePatternFile, type PatternProblem } from './pattern-file.js';

const SMTP = `# SMTP - Simple Mail Transfer Protocol - RFC 2821
# Pattern attributes: great fast fast
#
smtp

# comment between name and regex
^220[\\x09-\\x0d -~]* (e?smtp|simple mail)
userspace pattern=^220[\\x09-\\x0d -~]* (E?SMTP|[Ss]imple [Mm]ail)
userspace flags=REG_NOSUB REG_EXTENDED
`;

test('name line, regex line, comments and blank lines; userspace lines ignored with a warning', () => {
  const problems: PatternProblem[] = [];
  const p = parsePatternFile(SMTP, problems);
  assert.deepEqual(p, {
    protocol: 'smtp',
    regex: '^220[\\x09-\\x0d -~]* (e?smtp|simple mail)',
    regexLine: 7,
    userspace: [
      'userspace pattern=^220[\\x09-\\x0d -~]* (E?SMTP|[Ss]imple [Mm]ail)',
      'userspace flags=REG_NOSUB REG_EXTENDED',
    ],
  });
  assert.deepEqual(
    problems.map((x) => [x.severity, x.line]),
    [
      ['warning', 8],
      ['warning', 9],
    ],
  );
  assert.match(problems[0].message, /ignored: rope applies the kernel l7-filter semantics/);
});

test('the regex line is taken whole, trailing blanks included; CRLF files read the same', () => {
  const p = parsePatternFile('x\r\nabc \r\n', []);
  assert.equal(p?.regex, 'abc ');
  assert.equal(p?.protocol, 'x');
});

test('a broken file: each problem at its line and column, with a caret', () => {
  const cases: [string, RegExp][] = [
    ['# only comments\n', /^f\.pat:1:1: error: no protocol name/],
    ['proto\n', /^f\.pat:1:1: error: protocol `proto` has no regex line/],
    ['has space\nx\n', /^f\.pat:1:1: error: `has space` is not a protocol name/],
    ['p\nabc\nmore\n', /^f\.pat:3:1: error: unexpected line/],
    ['unset\n.\n', /^f\.pat:1:1: error: `unset` is not a pattern but l7-filter's name/],
    ['p\nuserspace flags=REG_ICASE\n', /^f\.pat:2:1: error: the regex line is missing/],
  ];
  for (const [text, message] of cases) {
    const r = convertPattern(text, 'f.pat');
    assert.equal(r.source, null, text);
    assert.match(renderDiagnostics(r.diagnostics), message, text);
  }
});

test('a regex error points at the construct in the .pat file', () => {
  const r = convertPattern('# c\nfinger\n^[a-z][a-z0-9\\-_]+\\x0d\\x0a\n', 'finger.pat');
  assert.equal(r.source, null);
  assert.equal(r.protocol, 'finger');
  const text = renderDiagnostics(r.diagnostics);
  assert.match(text, /^finger\.pat:3:14: error: `\\-` in a bracket expression/);
  assert.match(text, /\n\^\[a-z\]\[a-z0-9\\-_\]\+\\x0d\\x0a\n {13}\^\n/);
});

test('a pattern rope cannot run (too many states) is an error on its regex line', () => {
  const r = convertPattern(`big\n${'(a|b|c|d)?'.repeat(3000)}\n`, 'big.pat');
  assert.equal(r.source, null);
  assert.match(
    renderDiagnostics(r.diagnostics),
    /^big\.pat:2:1: error: rope cannot run this pattern/,
  );
});

test('the script is named after the protocol, and is what `rope l7 convert` prints', () => {
  const r = compilePattern(SMTP, 'dir/smtp.pat', { window: 4 });
  assert.ok(r.script);
  assert.equal(r.script.name, 'smtp');
  assert.equal(r.diagnostics.filter((d) => d.severity === 'error').length, 0);
  assert.match(r.source!, /^\$ct_packets 4 gt no/m);
  assert.match(r.source!, /^# smtp: the l7-filter pattern smtp\.pat/);
  // the printed script compiles on its own, as `rope check` would
  assert.deepEqual(compile(r.source!, 'smtp.rope').diagnostics, []);
});
