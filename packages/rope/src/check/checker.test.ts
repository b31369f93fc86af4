// Every compile-time error of the checker about verbs, anchor forms, the stack and operand
// kinds, with where it points; and how diagnostics are reported. Syntax errors:
// parser/syntax-errors.test.ts; register errors: check/registers.test.ts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compile } from '../index.js';
import { compileErrors } from '../conformance/harness.test.js';

compileErrors('names', [
  {
    name: 'an unknown verb, with a suggestion',
    script: '4 lfit',
    code: 'unknown-verb',
    line: 1,
    column: 3,
    message: 'did you mean `lift`?',
  },
  {
    name: 'a register written without $',
    script: 'ip_ttl',
    code: 'unknown-verb',
    line: 1,
    column: 1,
    message: '`$ip_ttl`',
  },
  {
    name: 'an unknown register',
    script: '$ip_tll',
    code: 'unknown-register',
    line: 1,
    column: 1,
    message: 'did you mean `$ip_ttl`?',
  },
  {
    name: 'an upper-case register',
    script: '$IP_TTL',
    code: 'unknown-register',
    line: 1,
    column: 1,
    message: 'lower case',
  },
  {
    name: 'a $ alone',
    script: '$ 1',
    code: 'unknown-register',
    line: 1,
    column: 1,
    message: 'must follow `$`',
  },
  {
    name: 'an unknown verb in anchor form',
    script: 'ad( 1 2 )',
    code: 'unknown-verb',
    line: 1,
    column: 1,
    message: 'did you mean `add`?',
  },
  {
    name: 'a constant in anchor form',
    script: 'YES( 1 )',
    code: 'no-anchor-form',
    line: 1,
    column: 1,
    message: 'is a constant',
  },
]);

compileErrors('anchor forms', [
  {
    name: 'too many arguments',
    script: 'lift( 1 2 )',
    code: 'anchor-arity',
    line: 1,
    column: 1,
    message: 'takes 1 argument, here it gets 2',
  },
  {
    name: 'too few arguments',
    script: 'substr( "abc" 1 )',
    code: 'anchor-arity',
    line: 1,
    column: 1,
    message: 'takes 3 arguments, here it gets 2',
  },
  {
    name: 'a variadic verb with none',
    script: 'add( )',
    code: 'anchor-arity',
    line: 1,
    column: 1,
    message: 'at least 1 argument',
  },
  {
    name: 'yes with two',
    script: 'yes( 1 2 )',
    code: 'anchor-arity',
    line: 1,
    column: 1,
    message: '0 to 1 arguments',
  },
  {
    name: 'a verb without an anchor form',
    script: 'dup( 1 )',
    code: 'no-anchor-form',
    line: 1,
    column: 1,
    message: '`dup` has no anchor form',
  },
  {
    name: 'dump has no anchor form',
    script: 'dump( )',
    code: 'no-anchor-form',
    line: 1,
    column: 1,
    message: 'no anchor form',
  },
  {
    name: 'expect_one needs its anchor form',
    script: '{ yes } expect_one',
    code: 'anchor-required',
    line: 1,
    column: 9,
    message: 'anchor form only',
  },
  {
    name: 'reaching outside the anchor',
    script: '5 add( drop 1 )',
    code: 'anchor-underflow',
    line: 1,
    column: 8,
    message: 'cannot reach values outside it',
  },
]);

compileErrors('stack and types', [
  {
    name: 'stack underflow',
    script: 'drop',
    code: 'stack-underflow',
    line: 1,
    column: 1,
    message: 'needs 1 operand but the stack holds 0',
  },
  {
    name: 'underflow after some values',
    script: '1\nadd',
    code: 'stack-underflow',
    line: 2,
    column: 1,
    message: 'needs 2 operands but the stack holds 1',
  },
  {
    name: 'underflow inside a block run by if',
    script: '1 { drop } if',
    code: 'stack-underflow',
    line: 1,
    column: 5,
    message: '`drop`',
  },
  {
    name: 'underflow after pre-pushed values',
    script: 'drop drop',
    pushes: 1,
    code: 'stack-underflow',
    line: 1,
    column: 6,
    message: 'holds 0',
  },
  {
    name: 'a string where an integer is needed',
    script: '"x" lift',
    code: 'type',
    line: 1,
    column: 5,
    message: '`lift` needs an integer, got a string (pushed at 1:1)',
  },
  {
    name: 'a block where a value is needed',
    script: '{ } 1 add',
    code: 'type',
    line: 1,
    column: 7,
    message: 'needs an integer, got a block',
  },
  {
    name: 'a register of the wrong kind',
    script: '$ip_saddr 1 add',
    code: 'type',
    line: 1,
    column: 13,
    message: 'register $ip_saddr',
  },
  {
    name: 'comparing an integer with a string',
    script: '1 "a" eq',
    code: 'type',
    line: 1,
    column: 7,
    message: 'two integers or two strings',
  },
  {
    name: 'a non-block for if',
    script: '1 2 if',
    code: 'type',
    line: 1,
    column: 5,
    message: 'needs a block',
  },
  {
    name: 'a lift_while block that leaves too much',
    script: '{ 1 2 } lift_while',
    code: 'block-effect',
    line: 1,
    column: 9,
    message: '+2',
  },
  {
    name: 'a lift_while block that takes too much',
    script: '"a" { drop drop } lift_while',
    code: 'block-effect',
    line: 1,
    column: 19,
    message: '-2',
  },
  {
    name: 'a while condition that leaves nothing',
    script: '{ } { } while',
    code: 'block-effect',
    line: 1,
    column: 9,
    message: 'must leave a value to test',
  },
  { name: 'a negative lift', script: '-1 lift', code: 'range', line: 1, column: 4, message: '≥ 0' },
  {
    name: 'chr out of range',
    script: '256 chr',
    code: 'range',
    line: 1,
    column: 5,
    message: '0-255',
  },
  {
    name: 'a bad regular expression',
    script: '$data "a(b" match',
    code: 'bad-regex',
    line: 1,
    column: 7,
    message: 'invalid regular expression',
  },
  {
    name: 'a regex with a backreference',
    script: '$data "(a)x\\\\1" match',
    code: 'bad-regex',
    line: 1,
    column: 7,
    message: 'backreferences',
  },
  {
    name: 'a regex with a lookahead',
    script: '$data "(?:[a-z]{3}x+){2,}(?=y)" matchi',
    code: 'bad-regex',
    line: 1,
    column: 7,
    message: 'lookahead',
  },
]);

test('several errors are reported in one run, in source order', () => {
  const { script, diagnostics } = compile('lfit\n"a\\q"\n{ 1\n$nope\n5 $ip_ttl put\n', 'many.rope');
  assert.equal(script, null);
  const errors = diagnostics.filter((d) => d.severity === 'error');
  assert.deepEqual(
    errors.map((d) => `${d.line}:${d.column} ${d.code}`),
    [
      '1:1 unknown-verb',
      '2:3 bad-escape',
      '3:1 unbalanced',
      '4:1 unknown-register',
      '5:11 read-only',
    ],
  );
});

test('diagnostics render as file:line:col, the line and a caret', () => {
  const { diagnostics } = compile('  "GNUTELLA" expct_str\n', 'gnutella.rope');
  assert.equal(
    diagnostics[0].render(),
    `gnutella.rope:1:14: error: unknown verb \`expct_str\` (did you mean \`expect_str\`?)\n  "GNUTELLA" expct_str\n${' '.repeat(13)}^${'~'.repeat(8)}`,
  );
});

test('carets line up under tabs', () => {
  const { diagnostics } = compile('\t\tlfit', 't.rope');
  assert.equal(diagnostics[0].render().split('\n')[2], `\t\t^${'~'.repeat(3)}`);
});

test('code after an unconditional end is a warning, and the script compiles', () => {
  const { script, diagnostics } = compile('yes\n1 2 add', 'w.rope');
  assert.ok(script);
  assert.deepEqual(
    diagnostics.map((d) => `${d.severity} ${d.code} ${d.line}:${d.column}`),
    ['warning unreachable 2:1'],
  );
});

test('values the caller pre-pushes are counted when told', () => {
  assert.equal(compile('$limit put', 'x.rope').script, null);
  const bad = compile('$l put', 'x.rope');
  assert.ok(bad.diagnostics[0].message.includes('test `depth` first'));
  assert.ok(compile('$l put', 'x.rope', { pushes: 1 }).script);
  assert.ok(
    compile('depth { $l put } { 1000000 $l put } ifelse', 'x.rope').script,
    'testing depth first needs no option',
  );
});

test('blocks kept in registers are checked on their own', () => {
  const { diagnostics } = compile('{ lfit } $b put', 'b.rope');
  assert.deepEqual(
    diagnostics.map((d) => d.code),
    ['unknown-verb'],
  );
});

test('a script name is its file name without .rope', () => {
  assert.equal(compile('yes', 'scripts/bittorrent.rope').script!.name, 'bittorrent');
  assert.equal(compile('yes', 'x', { name: 'custom' }).script!.name, 'custom');
});
