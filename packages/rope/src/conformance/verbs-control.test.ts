// Conformance: the control verbs (§4, §6): blocks, loops, eval, expect_one and the verdicts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cases } from './harness.test.js';

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
