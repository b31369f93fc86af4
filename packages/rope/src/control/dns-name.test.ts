import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { parseDnsPattern } from './dns-name.js';

test('names and *. patterns, stored in lower case without the trailing dot', () => {
  const name = (t: string) => {
    const p = parseDnsPattern(t);
    assert.ok(p.ok, t);
    return p.name;
  };
  assert.equal(name('Tracker.Example.COM.'), 'tracker.example.com');
  assert.equal(name('*.example.com'), '*.example.com');
  assert.equal(name('_srv._tcp.example.com'), '_srv._tcp.example.com');
  assert.equal(name('localhost'), 'localhost');
  assert.equal(name(`${'a'.repeat(63)}.example`), `${'a'.repeat(63)}.example`);
});

test('refuses what DNS cannot carry', () => {
  for (const bad of [
    '',
    '.',
    '*.',
    '*',
    'a..b',
    '.example.com',
    '-a.example.com',
    'a-.example.com',
    'ex ample.com',
    'a.*.example.com',
    '**.example.com',
    `${'a'.repeat(64)}.example`,
    `${'abcdefgh.'.repeat(30)}com`,
    'exämple.com',
  ]) {
    const p = parseDnsPattern(bad);
    assert.ok(!p.ok, bad);
    assert.ok(!p.message.includes('\n'));
  }
});

test('never throws', () => {
  fc.assert(fc.property(fc.string(), (s) => void parseDnsPattern(s)));
});
