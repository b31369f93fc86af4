// Conformance: stack, integer, logic and comparison verbs (§6). Registers: verbs-registers.test.ts;
// control: verbs-control.test.ts.
import { cases } from './harness.test.js';

cases('stack', [
  { name: 'dup', script: '1 dup', verdict: 'OKAY', stack: [1, 1] },
  {
    name: 'dup keeps a reference a reference',
    script: '$a dup inc get',
    verdict: 'OKAY',
    stack: [1],
  },
  { name: 'drop', script: '1 2 drop', verdict: 'OKAY', stack: [1] },
  { name: 'swap', script: '1 2 swap', verdict: 'OKAY', stack: [2, 1] },
  { name: 'over', script: '1 2 over', verdict: 'OKAY', stack: [1, 2, 1] },
  { name: 'depth', script: '1 2 depth', verdict: 'OKAY', stack: [1, 2, 2] },
  {
    name: 'depth counts pre-pushed values',
    script: 'depth',
    pushes: [9],
    verdict: 'OKAY',
    stack: [9, 1],
  },
  { name: 'depth inside an anchor', script: '5 add( 1 depth )', verdict: 'OKAY', stack: [5, 2] },
  {
    name: 'drop on an empty stack at run time',
    script: '{ drop } $b put $data_len $b if',
    verdict: 'FAIL',
    error: 'EStackEmpty',
  },
]);

cases('integers', [
  { name: 'add', script: '2 3 add', verdict: 'OKAY', stack: [5] },
  { name: 'add at run time', script: '$data_len 3 add', verdict: 'OKAY', stack: [25] },
  {
    name: 'add wraps like int32',
    script: '$ip_ttl 2147483647 add',
    verdict: 'OKAY',
    stack: [-2147483585],
  },
  { name: 'add( … )', script: 'add( 1 2 3 4 )', verdict: 'OKAY', stack: [10] },
  { name: 'sub', script: '11 7 sub', verdict: 'OKAY', stack: [4] },
  { name: 'sub at run time', script: '$data_len 2 sub', verdict: 'OKAY', stack: [20] },
  { name: 'sub( a … ) is a minus the rest', script: 'sub( 10 1 2 )', verdict: 'OKAY', stack: [7] },
  { name: 'mult', script: '6 7 mult', verdict: 'OKAY', stack: [42] },
  { name: 'mult wraps', script: '$ip_ttl 0x7fffffff mult', verdict: 'OKAY', stack: [-64] },
  { name: 'mult( … )', script: 'mult( 2 3 4 )', verdict: 'OKAY', stack: [24] },
  {
    name: 'div truncates toward zero',
    script: '7 2 div -7 2 div',
    verdict: 'OKAY',
    stack: [3, -3],
  },
  { name: 'div by zero', script: '1 0 div', verdict: 'FAIL', error: 'EDivideByZero' },
  {
    name: 'mod has the sign of the dividend',
    script: '-7 2 mod 7 -2 mod',
    verdict: 'OKAY',
    stack: [-1, 1],
  },
  {
    name: 'mod by zero at run time',
    script: '$data_len 0 mod',
    verdict: 'FAIL',
    error: 'EDivideByZero',
  },
  { name: 'abs', script: '-5 abs $ip_ttl abs', verdict: 'OKAY', stack: [5, 64] },
  { name: 'neg', script: '5 neg', verdict: 'OKAY', stack: [-5] },
  { name: 'lshift', script: '1 4 lshift 1 32 lshift', verdict: 'OKAY', stack: [16, 0] },
  {
    name: 'rshift is arithmetic',
    script: '-16 2 rshift 256 4 rshift -1 40 rshift',
    verdict: 'OKAY',
    stack: [-4, 16, -1],
  },
  { name: 'negative shift', script: '1 $a 1 sub lshift', verdict: 'FAIL', error: 'ERange' },
  {
    name: 'add on a string at run time',
    script: '"a" $a put $a 1 add',
    verdict: 'FAIL',
    error: 'EType',
  },
]);

cases('logic', [
  { name: 'and', script: '12 10 and', verdict: 'OKAY', stack: [8] },
  { name: 'or', script: '12 10 or', verdict: 'OKAY', stack: [14] },
  { name: 'xor', script: '12 10 xor', verdict: 'OKAY', stack: [6] },
  {
    name: 'and( … ) / or( … )',
    script: 'and( 15 14 12 ) or( 1 2 4 )',
    verdict: 'OKAY',
    stack: [12, 7],
  },
  { name: 'not', script: '0 not 5 not "" not "x" not', verdict: 'OKAY', stack: [1, 0, 1, 0] },
  {
    name: 'subnet test with byte-wise and',
    script: '$ip_saddr 255.255.255.0 and 192.0.2.0 eq',
    verdict: 'OKAY',
    stack: [1],
  },
  {
    name: 'byte-wise or and xor',
    script: '"\\x0f\\xf0" "\\xf0\\x0f" or "\\xff\\x00" "\\x0f\\x0f" xor',
    verdict: 'OKAY',
    stack: ['\xff\xff', '\xf0\x0f'],
  },
  {
    name: 'strings of different lengths',
    script: '"ab" $a put $a "abc" and',
    verdict: 'FAIL',
    error: 'EType',
  },
  {
    name: 'an integer and a string',
    script: '"a" $a put 1 $a and',
    verdict: 'FAIL',
    error: 'EType',
  },
]);

cases('comparison', [
  { name: 'eq on integers', script: '$ip_ttl 64 eq $ip_ttl 63 eq', verdict: 'OKAY', stack: [1, 0] },
  { name: 'eq on strings', script: '$ip_saddr 192.0.2.1 eq', verdict: 'OKAY', stack: [1] },
  { name: 'ne', script: '1 2 ne "a" "a" ne', verdict: 'OKAY', stack: [1, 0] },
  { name: 'eqi', script: '"GNUtella" "gnuTELLA" eqi "a" "b" eqi', verdict: 'OKAY', stack: [1, 0] },
  { name: 'eqi folds ASCII only', script: '"\\xc0" "\\xe0" eqi', verdict: 'OKAY', stack: [0] },
  { name: 'nei', script: '"abc" "ABD" nei "abc" "ABC" nei', verdict: 'OKAY', stack: [1, 0] },
  {
    name: 'gt lt ge le on integers',
    script: '2 1 gt 1 2 lt 2 2 ge 3 2 le',
    verdict: 'OKAY',
    stack: [1, 1, 1, 0],
  },
  {
    name: 'gt lt on strings compare bytes',
    script: '"abc" "abd" lt "b" "abc" gt "\\xff" "a" gt "" "" ge',
    verdict: 'OKAY',
    stack: [1, 1, 1, 1],
  },
  {
    name: 'comparing an integer with a string',
    script: '"1" $a put 1 $a eq',
    verdict: 'FAIL',
    error: 'EType',
  },
]);
