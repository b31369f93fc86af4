// Conformance: the register verbs (§6, §7): get put reg greg freg inc dec, and named user
// registers.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Packet } from '@p2pwall/core';
import { compile, Engine, newFlowRegisters, Verdict } from '../index.js';
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
