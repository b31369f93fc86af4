// The language tables agree with each other: every verb the checker knows is implemented and
// every implementation is a verb; every register has a reader.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { VERB_IMPLS } from '../compile/verbs/index.js';
import { registerRef } from '../runtime/registers.js';
import { constantValue } from './constants.js';
import { INTERNAL_REGISTERS, USER_REGISTER_NAMES } from './registers.js';
import { VERBS } from './verbs.js';

test('every verb has an implementation and every implementation is a verb', () => {
  assert.deepEqual(Object.keys(VERB_IMPLS).sort(), VERBS.map((v) => v.name).sort());
});

test('variadic verbs have a run-time form for anchor calls of dynamic size', () => {
  for (const v of VERBS)
    if (v.anchor === 'variadic' || v.anchor === 'only') assert.ok(VERB_IMPLS[v.name].runN, v.name);
});

test('pure verbs produce exactly one result', () => {
  for (const v of VERBS) if (v.pure) assert.equal(v.out.length, 1, v.name);
});

test('every register resolves to a reference', () => {
  for (const r of INTERNAL_REGISTERS) assert.equal(registerRef(r.name)?.info, r);
  for (const n of USER_REGISTER_NAMES) assert.ok(registerRef(n)?.write);
  assert.equal(registerRef('nope'), undefined);
});

test('no verb shadows a constant or a register name', () => {
  for (const v of VERBS) assert.equal(constantValue(v.name), undefined, v.name);
});
