// Conformance: registers, control, stack, integer, logic and comparison verbs (§6).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compile, Engine, newFlowRegisters, Verdict } from '../index.js';
import { Packet } from '@p2pwall/core';
import { cases, tcp } from './harness.test.js';

cases('registers', [
  { name: 'get reads a register', script: '$ip_ttl get', verdict: 'OKAY', stack: [64] },
  { name: 'put stores in a user register', script: '5 $a put $a get', verdict: 'OKAY', stack: [5] },
  { name: 'put a string', script: '"xy" $b put $b strlen', verdict: 'OKAY', stack: [2] },
  { name: 'put from the stack', script: '$data_len $c put $c get', verdict: 'OKAY', stack: [22] },
  { name: 'reg n is a user register', script: '7 3 reg put $d get', verdict: 'OKAY', stack: [7] },
  { name: 'reg at run time', script: '$data_len 22 sub reg get', verdict: 'OKAY', stack: [0] },
  {
    name: 'reg out of range at run time',
    script: '$data_len 4 add reg',
    verdict: 'FAIL',
    error: 'ERange',
  },
  {
    name: 'greg holds integers',
    script: '5 greg inc 5 greg inc 5 greg get',
    verdict: 'OKAY',
    stack: [2],
  },
  {
    name: 'greg out of range at run time',
    script: '$data_len 300 add greg',
    verdict: 'FAIL',
    error: 'ERange',
  },
  {
    name: 'greg refuses strings at run time',
    script: '"x" $a put $a 1 greg put',
    verdict: 'FAIL',
    error: 'EType',
  },
  {
    name: 'freg without a flow is per run',
    script: '0 freg inc 0 freg inc 0 freg get',
    verdict: 'OKAY',
    stack: [2],
  },
  { name: 'freg out of range', script: '$data_len freg', verdict: 'FAIL', error: 'ERange' },
  {
    name: 'inc a user register (empty is 0)',
    script: '$a inc $a inc $a get',
    verdict: 'OKAY',
    stack: [2],
  },
  { name: 'dec', script: '$a dec $a get', verdict: 'OKAY', stack: [-1] },
  { name: 'inc a string register', script: '"x" $a put $a inc', verdict: 'FAIL', error: 'EType' },
  {
    name: 'inc $offset moves the cursor',
    script: '$offset inc $offset get',
    verdict: 'OKAY',
    stack: [41],
    offset: 41,
  },
  {
    name: 'put $offset (clamped to the packet)',
    script: '4 $offset put $offset get 1000 $offset put $offset get',
    verdict: 'OKAY',
    stack: [4, 62],
  },
  { name: 'put $mark', script: '7 $mark put', verdict: 'OKAY', markAfter: 7 },
  {
    name: 'read-only register at run time',
    script: '1 $data_len { $ip_ttl } if put',
    verdict: 'FAIL',
    error: 'EReadOnly',
  },
  {
    name: 'string into an integer register at run time',
    script: '"x" $data_len { $offset } if put',
    verdict: 'FAIL',
    error: 'EType',
  },
  { name: 'get of an internal register', script: '$data_len get', verdict: 'OKAY', stack: [22] },
  {
    name: 'get needs a reference',
    script: '1 $a put $a get $a put $a get get',
    verdict: 'FAIL',
    error: 'EType',
  },
  {
    name: 'references are dereferenced by value verbs',
    script: '3 $a put $a $a add',
    verdict: 'OKAY',
    stack: [6],
  },
]);

test('greg registers are shared by the scripts of one engine and kept between runs', () => {
  const engine = new Engine();
  const a = compile('3 greg inc', 'a.rope').script!;
  const b = compile('3 greg get', 'b.rope').script!;
  const p = new Packet();
  const bytes = tcp('x');
  p.decode(bytes, 0, bytes.length);
  a.run(engine, { packet: p });
  a.run(engine, { packet: p });
  assert.equal(b.run(engine, { packet: p }), Verdict.OKAY);
  assert.deepEqual(engine.stack(), [2]);
  assert.equal(engine.greg[3], 2);
  assert.equal(new Engine().greg[3], 0, 'a new engine starts at 0');
});

test('freg registers live in the flow array the caller passes', () => {
  const engine = new Engine();
  const s = compile('0 freg inc 0 freg get  "seen" 1 freg put', 's.rope').script!;
  assert.equal(s.usesFlowRegisters, true);
  assert.equal(compile('1 2 add', 'x.rope').script!.usesFlowRegisters, false);
  const flow = newFlowRegisters();
  const other = newFlowRegisters();
  const p = new Packet();
  const bytes = tcp('x');
  p.decode(bytes, 0, bytes.length);
  s.run(engine, { packet: p, flow });
  s.run(engine, { packet: p, flow });
  assert.deepEqual(engine.stack(), [2]);
  assert.equal(flow[1], 'seen');
  s.run(engine, { packet: p, flow: other });
  assert.deepEqual(engine.stack(), [1]);
});

test('user registers start empty (0) on every run', () => {
  const engine = new Engine();
  const s = compile('$a inc $a get', 's.rope').script!;
  const p = new Packet();
  const bytes = tcp('x');
  p.decode(bytes, 0, bytes.length);
  s.run(engine, { packet: p });
  s.run(engine, { packet: p });
  assert.deepEqual(engine.stack(), [1]);
});

cases('control', [
  { name: 'do runs a block', script: '{ 1 2 add } do', verdict: 'OKAY', stack: [3] },
  {
    name: 'do a block from a register',
    script: '{ 2 3 mult } $b put $b do',
    verdict: 'OKAY',
    stack: [6],
  },
  { name: 'repeat', script: '0 3 { 2 add } repeat', verdict: 'OKAY', stack: [6] },
  { name: 'repeat 0 times', script: '0 0 { 2 add } repeat', verdict: 'OKAY', stack: [0] },
  {
    name: 'repeat with a count from the packet',
    script: '0 $ip_version { 1 add } repeat',
    verdict: 'OKAY',
    stack: [4],
  },
  { name: 'if true', script: '1 { 5 } if', verdict: 'OKAY', stack: [5] },
  { name: 'if false', script: '0 { 5 } if', verdict: 'OKAY', stack: [] },
  {
    name: 'if on a string (empty is false)',
    script: '"" { 5 } if "x" { 6 } if',
    verdict: 'OKAY',
    stack: [6],
  },
  { name: 'unless', script: '0 { 5 } unless 1 { 6 } unless', verdict: 'OKAY', stack: [5] },
  {
    name: 'ifelse true',
    script: '$data_len 0 gt { "big" } { "empty" } ifelse',
    verdict: 'OKAY',
    stack: ['big'],
  },
  {
    name: 'ifelse false',
    script: '$data_len 100 gt { "big" } { "small" } ifelse',
    verdict: 'OKAY',
    stack: ['small'],
  },
  { name: 'while', script: '{ $a 5 lt } { $a inc } while $a get', verdict: 'OKAY', stack: [5] },
  { name: 'until', script: '{ $a 3 ge } { $a inc } until $a get', verdict: 'OKAY', stack: [3] },
  { name: 'eval of yes', script: '{ yes } eval', verdict: 'OKAY', stack: [2] },
  { name: 'eval of no', script: '{ no } eval', verdict: 'OKAY', stack: [3] },
  { name: 'eval of an error', script: '{ 1 $a div } eval', verdict: 'OKAY', stack: [0] },
  {
    name: 'eval of a failed expect',
    script: '{ "GET " expect_str } eval',
    verdict: 'OKAY',
    stack: [3],
  },
  {
    name: 'eval falling off the end keeps the block results',
    script: '{ 7 } eval',
    verdict: 'OKAY',
    stack: [7, 1],
  },
  {
    name: 'eval drops what a stopped block left',
    script: '9 { 1 2 3 no } eval',
    verdict: 'OKAY',
    stack: [9, 3],
  },
  {
    name: 'eval does not catch HOTDROP',
    script: '{ hotdrop } eval',
    verdict: 'HOTDROP',
    error: 'EHotdrop',
  },
  { name: 'eval compared with a constant', script: '{ no } eval NO eq yes', verdict: 'YES' },
  {
    name: 'expect_one: first non-NO block decides, OKAY continues',
    script: 'expect_one( { "GET " expect_str } { "GNUTELLA " expect_str } ) $offset get',
    verdict: 'OKAY',
    stack: [49],
  },
  {
    name: 'expect_one: all NO ends with NO',
    script: 'expect_one( { "GET " expect_str } { "POST " expect_str } ) yes',
    verdict: 'NO',
  },
  {
    name: 'expect_one: YES ends the run',
    script: 'expect_one( { no } { yes } ) 5',
    verdict: 'YES',
    stack: [],
  },
  {
    name: 'expect_one restores $offset before each block',
    script: 'expect_one( { 4 lift drop no } { $offset get } )',
    verdict: 'OKAY',
    stack: [40],
  },
  {
    name: 'expect_one: FAIL decides',
    script: 'expect_one( { no } { 1 $a div } { yes } )',
    verdict: 'FAIL',
    error: 'EDivideByZero',
  },
  {
    name: 'expect_one with blocks from registers',
    script: '{ no } $a put { 4 } $b put expect_one( $a $b )',
    verdict: 'OKAY',
    stack: [4],
  },
  { name: 'bare yes on an empty stack', script: 'yes', verdict: 'YES' },
  { name: 'yes with a false value carries on', script: '0 yes 5', verdict: 'OKAY', stack: [5] },
  { name: 'yes with a true value', script: '1 yes 5', verdict: 'YES', stack: [] },
  { name: 'yes on a computed value', script: 'lift(4) "GNUT" eq yes', verdict: 'YES' },
  {
    name: 'yes on a computed false value',
    script: 'lift(4) "HTTP" eq yes',
    verdict: 'OKAY',
    stack: [],
  },
  { name: 'bare no', script: 'no', verdict: 'NO' },
  { name: 'no with a false value', script: '0 no', verdict: 'OKAY', stack: [] },
  { name: 'no with a string', script: '"x" no', verdict: 'NO' },
  {
    name: 'yes looks only above the open anchor',
    script: '7 print( yes )',
    verdict: 'YES',
    stack: [7],
  },
  { name: 'yes() ends whatever the stack holds', script: '0 yes()', verdict: 'YES' },
  { name: 'yes( b ) with false', script: 'yes( 0 ) 1', verdict: 'OKAY', stack: [1] },
  { name: 'no( b ) with true', script: 'no( $data_len )', verdict: 'NO' },
  { name: 'assert true', script: '1 assert yes', verdict: 'YES' },
  { name: 'assert false', script: '$data_len 0 eq assert yes', verdict: 'NO' },
  { name: 'hotdrop', script: 'hotdrop', verdict: 'HOTDROP', error: 'EHotdrop' },
  {
    name: 'hotdrop with a message',
    script: 'hotdrop( "bad " $data_len )',
    verdict: 'HOTDROP',
    error: 'EHotdrop',
  },
]);

test('hotdrop( … ) puts its arguments in the error message', async () => {
  const { run } = await import('./harness.test.js');
  const o = run({ script: 'hotdrop( "too big: " $data_len )' });
  assert.equal(o.verdict, 'HOTDROP');
  assert.match(o.errorText, /EHotdrop: too big: 22$/);
});

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

cases('named registers (addition)', [
  { name: 'put and get', script: '5 $limit put $limit get', verdict: 'OKAY', stack: [5] },
  { name: 'start at 0 like $a…$z', script: '$count inc $count get', verdict: 'OKAY', stack: [1] },
  {
    name: 'written through a dup',
    script: '$lines dup inc inc $lines get',
    verdict: 'OKAY',
    stack: [2],
  },
  {
    name: 'written by put( )',
    script: 'put( "x" $word ) $word strlen',
    verdict: 'OKAY',
    stack: [1],
  },
  {
    name: 'distinct from each other and from $a',
    script: '1 $one put 2 $two put 3 $a put add( $one $two $a )',
    verdict: 'OKAY',
    stack: [6],
  },
]);

test('named registers start at 0 on every run', () => {
  const engine = new Engine();
  const s = compile('$seen inc $seen get', 's.rope').script!;
  const p = new Packet();
  const bytes = tcp('x');
  p.decode(bytes, 0, bytes.length);
  s.run(engine, { packet: p });
  s.run(engine, { packet: p });
  assert.deepEqual(engine.stack(), [1]);
});
