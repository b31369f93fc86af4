// The word table agrees with itself and with the other language tables: names are unique and
// shadow no constant, every register has a reader, and each record carries what its form needs.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { constantValue } from '../language/constants.js';
import { INTERNAL_REGISTERS, USER_REGISTER_NAMES } from '../language/registers.js';
import { registerRef } from '../runtime/registers.js';
import { WORDS, wordInfo } from './index.js';

test('word names are unique and each resolves to its record', () => {
  assert.equal(new Set(WORDS.map((w) => w.name)).size, WORDS.length);
  for (const w of WORDS) assert.equal(wordInfo(w.name), w);
  assert.equal(wordInfo('nope'), undefined);
});

test('variadic words have a run-time form for anchor calls of dynamic size', () => {
  for (const w of WORDS)
    if (w.anchor === 'variadic' || w.anchor === 'only') assert.ok(w.impl.runN, w.name);
});

test('pure words produce exactly one result', () => {
  for (const w of WORDS) if (w.pure) assert.equal(w.out.length, 1, w.name);
});

test('control words tell the checker how they run their blocks or end the run', () => {
  for (const w of WORDS) {
    const hooks = (w.follow ? 1 : 0) + (w.endsRun ? 1 : 0);
    if (w.control) assert.equal(hooks, 1, w.name);
    else assert.equal(hooks, 0, w.name);
  }
});

test('every register resolves to a reference', () => {
  for (const r of INTERNAL_REGISTERS) assert.equal(registerRef(r.name)?.info, r);
  for (const n of USER_REGISTER_NAMES) assert.ok(registerRef(n)?.write);
  assert.equal(registerRef('nope'), undefined);
});

test('no word shadows a constant or a register name', () => {
  for (const w of WORDS) assert.equal(constantValue(w.name), undefined, w.name);
});
