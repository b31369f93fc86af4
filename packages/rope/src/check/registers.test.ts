// Every compile-time error about registers (check/registers.ts and the register words' checks),
// with where it points.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compile } from '../index.js';
import { compileErrors } from '../conformance/harness.test.js';

compileErrors('registers', [
  {
    name: 'put into a read-only register',
    script: '5 $ip_ttl put',
    code: 'read-only',
    line: 1,
    column: 11,
    message: '`$ip_ttl` is read-only',
  },
  {
    name: 'inc a read-only register',
    script: '$data_len inc',
    code: 'read-only',
    line: 1,
    column: 11,
    message: 'read-only',
  },
  {
    name: 'put( ) into a read-only register',
    script: 'put( 1 $packet )',
    code: 'read-only',
    line: 1,
    column: 1,
    message: 'read-only',
  },
  {
    name: 'a string into an integer register',
    script: '"x" $offset put',
    code: 'register-type',
    line: 1,
    column: 13,
    message: 'holds integers',
  },
  {
    name: 'a string into a global register',
    script: '"x" 3 greg put',
    code: 'register-type',
    line: 1,
    column: 12,
    message: 'holds integers',
  },
  {
    name: 'a global register out of range',
    script: '300 greg',
    code: 'range',
    line: 1,
    column: 5,
    message: '0 to 255',
  },
  {
    name: 'a user register out of range',
    script: '26 reg',
    code: 'range',
    line: 1,
    column: 4,
    message: '0 to 25',
  },
  {
    name: 'a flow register out of range',
    script: '16 freg',
    code: 'range',
    line: 1,
    column: 4,
    message: '0 to 15',
  },
]);

compileErrors('named registers', [
  {
    name: 'read but never written',
    script: '$limt get',
    code: 'unknown-register',
    line: 1,
    column: 1,
    message: 'never written',
  },
  {
    name: 'a typo of a named register',
    script: '5 $limit put $limt get',
    code: 'unknown-register',
    line: 1,
    column: 14,
    message: 'did you mean `$limit`?',
  },
  {
    name: 'a typo of an internal register',
    script: '$ip_tll get',
    code: 'unknown-register',
    line: 1,
    column: 1,
    message: 'did you mean `$ip_ttl`?',
  },
  {
    name: 'a name in an internal family',
    script: '1 $tcp_foo put',
    code: 'unknown-register',
    line: 1,
    column: 3,
    message: 'unknown register `$tcp_foo`',
  },
]);

test('named user registers: more than 64 in one script is an error', () => {
  const names = Array.from({ length: 65 }, (_, i) => `r${i}`);
  const { diagnostics } = compile(names.map((n) => `1 $${n} put`).join('\n'), 'many.rope');
  assert.ok(
    diagnostics.some((d) => d.line === 65 && d.message.includes('more than 64 named registers')),
  );
});
