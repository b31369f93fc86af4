// Conformance: resource caps (§1) and the literal forms (§2).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cases, run } from './harness.test.js';

cases('caps', [
  {
    name: 'a loop that never ends',
    script: '{ 1 } { } while',
    verdict: 'HOTDROP',
    error: 'ELimit',
  },
  { name: 'until that never ends', script: '{ 0 } { } until', verdict: 'HOTDROP', error: 'ELimit' },
  {
    name: 'repeat beyond the loop cap',
    script: '100000 { } repeat',
    verdict: 'HOTDROP',
    error: 'ELimit',
  },
  {
    name: 'repeat up to the loop cap',
    script: '0 1000 { 1 add } repeat',
    verdict: 'OKAY',
    stack: [1000],
  },
  {
    name: 'while up to the loop cap',
    script: '{ $a 1000 lt } { $a inc } while $a get',
    verdict: 'OKAY',
    stack: [1000],
  },
  {
    name: 'too many actions',
    script: '{ 1 } { $a inc } while',
    caps: { maxWhileLoops: 1_000_000 },
    verdict: 'HOTDROP',
    error: 'ELimit',
  },
  {
    name: 'a lowered $max_actions',
    script: '20 $max_actions put { $a inc $a 1000 lt } { } while',
    verdict: 'HOTDROP',
    error: 'ELimit',
  },
  {
    name: 'a lowered $max_while_loops',
    script: '3 $max_while_loops put { 1 } { } while',
    verdict: 'HOTDROP',
    error: 'ELimit',
  },
  { name: 'a growing stack', script: '{ 1 } { 1 } while', verdict: 'HOTDROP', error: 'EStackFull' },
  {
    name: 'a stack cap set by the engine',
    script: '1 2 3 4 5',
    caps: { maxStack: 4 },
    verdict: 'HOTDROP',
    error: 'EStackFull',
  },
  {
    name: 'recursion through a register',
    script: '{ $r do } $r put $r do',
    verdict: 'HOTDROP',
    error: 'ELimit',
  },
  {
    name: 'a doubling string',
    script: '"x" $s put { 1 } { $s $s strcat $s put } while',
    verdict: 'HOTDROP',
    error: 'ELimit',
  },
  {
    name: 'more pre-pushed values than the stack holds',
    script: 'yes',
    pushes: [1, 2, 3],
    caps: { maxStack: 2 },
    verdict: 'HOTDROP',
    error: 'EStackFull',
  },
  {
    name: 'lift_while on a class counts the bytes it tests',
    script: '{ isascii } lift_while',
    caps: { maxActions: 10 },
    verdict: 'HOTDROP',
    error: 'ELimit',
  },
  {
    name: 'HOTDROP is not caught by eval',
    script: '{ { 1 } { } while } eval',
    verdict: 'HOTDROP',
    error: 'ELimit',
  },
]);

test('the action count is the number of verbs executed, whatever the compiler fused', () => {
  const count = (script: string) => run({ script }).engine.actions;
  assert.equal(count('1 2 add drop'), 2);
  assert.equal(count('$data_len 2 add drop'), 2);
  assert.equal(count('4 lift drop'), 2);
  assert.equal(count('"GNUTELLA" expect_str'), 1);
  assert.equal(count('{ 1 2 add } do'), 2);
  assert.equal(count('0 3 { 1 add } repeat drop'), 5);
  assert.equal(count('add( 1 2 3 )'), 1);
  assert.equal(count('"x" $a put $a print'), 2);
});

cases('literals', [
  { name: 'decimal', script: '123 -49 0', verdict: 'OKAY', stack: [123, -49, 0] },
  { name: 'hex', script: '0x76f9 0XFF', verdict: 'OKAY', stack: [0x76f9, 255] },
  {
    name: 'hex bit patterns wrap to int32',
    script: '0xFFFFFFFF 0x80000000',
    verdict: 'OKAY',
    stack: [-1, -2147483648],
  },
  { name: 'octal', script: '0213 017', verdict: 'OKAY', stack: [139, 15] },
  {
    name: 'the int32 range',
    script: '2147483647 -2147483648',
    verdict: 'OKAY',
    stack: [2147483647, -2147483648],
  },
  {
    name: 'dotted bytes (an IPv4 address)',
    script: '192.168.0.10',
    verdict: 'OKAY',
    stack: ['\xc0\xa8\x00\x0a'],
  },
  { name: 'dotted bytes of two parts', script: '1.2 strlen', verdict: 'OKAY', stack: [2] },
  {
    name: 'colon-hex bytes (a MAC)',
    script: '00:0F:1F:5C:30:21',
    verdict: 'OKAY',
    stack: ['\x00\x0f\x1f\x5c\x30\x21'],
  },
  { name: 'colon-hex, lower case', script: 'de:ad', verdict: 'OKAY', stack: ['\xde\xad'] },
  { name: 'C escapes', script: '"\\r\\n\\t\\\\\\"\\0"', verdict: 'OKAY', stack: ['\r\n\t\\"\x00'] },
  {
    name: 'octal escapes',
    script: '"\\1\\2\\3\\4" "\\101\\0101" "\\377"',
    verdict: 'OKAY',
    stack: ['\x01\x02\x03\x04', 'A\x081', '\xff'],
  },
  {
    name: 'hex escapes, historical and C',
    script: '"\\0x41\\x42\\0xff"',
    verdict: 'OKAY',
    stack: ['AB\xff'],
  },
  { name: 'non-ASCII text is UTF-8', script: '"é"', verdict: 'OKAY', stack: ['\xc3\xa9'] },
  { name: 'constants', script: 'YES NO OKAY FAIL', verdict: 'OKAY', stack: [2, 3, 1, 0] },
  {
    name: 'IPPROTO constants',
    script: 'IPPROTO_TCP IPPROTO_UDP IPPROTO_ICMP IPPROTO_ICMPV6 IPPROTO_GRE',
    verdict: 'OKAY',
    stack: [6, 17, 1, 58, 47],
  },
  { name: 'commas separate', script: '1,2 lift(4),drop', verdict: 'OKAY', stack: [1, 2] },
  { name: 'comments', script: '1 # 2 3\n4 #', verdict: 'OKAY', stack: [1, 4] },
  { name: 'a string with #', script: '"a#b"', verdict: 'OKAY', stack: ['a#b'] },
  { name: 'CRLF line ends', script: '1\r\n2', verdict: 'OKAY', stack: [1, 2] },
]);
