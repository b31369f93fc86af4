import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { SharedTable, type TableChange } from './shared-table.js';
import { TableSet, tableConflictMessage, type TableConflict } from './table-set.js';

const spec = { name: 'peers', capacity: 3, lifetime: 60 };

test('shared table: a key lives its lifetime, from the time the caller gives', () => {
  const t = new SharedTable(spec);
  t.add('a', 1000);
  assert.equal(t.has('a', 1059.9), true);
  assert.equal(t.has('a', 1060), false, 'expired at now + lifetime');
  assert.equal(t.size, 0, 'the expired key was removed when found');
  t.add('b', 1000, 5);
  assert.equal(t.remaining('b', 1002), 3);
  assert.equal(t.has('b', 1005), false);
});

test('shared table: at capacity the least recently used key goes; a lookup counts as a use', () => {
  const t = new SharedTable(spec);
  t.add('a', 0);
  t.add('b', 0);
  t.add('c', 0);
  assert.equal(t.has('a', 1), true); // a is now the most recent; b the least
  t.add('d', 1);
  assert.deepEqual(
    [...t.entries(1)].map(([k]) => k),
    ['c', 'a', 'd'],
  );
  assert.equal(t.evictions, 1);
});

test('shared table: an expired key is evicted before a live one and is not counted', () => {
  const t = new SharedTable(spec);
  t.add('old', 0, 1);
  t.add('b', 0);
  t.add('c', 0);
  t.add('d', 10);
  assert.equal(t.has('b', 10), true);
  assert.equal(t.evictions, 0);
});

test('shared table: values — set adds when absent, refresh keeps the value, expiry resets it', () => {
  const t = new SharedTable(spec);
  assert.equal(t.get('k', 0, -1), -1);
  t.set('k', 7, 0);
  assert.equal(t.get('k', 1), 7);
  t.add('k', 2);
  assert.equal(t.get('k', 3), 7, 'a refresh keeps the value');
  t.add('k', 100, 60);
  assert.equal(t.get('k', 101), 0, 'a key added again after it expired starts from 0');
  assert.equal(t.delete('k'), true);
  assert.equal(t.delete('k'), false);
});

test('shared table: local changes are reported, applied ones are not', () => {
  const t = new SharedTable(spec);
  const seen: TableChange[] = [];
  t.onChange = (c) => seen.push({ ...c });
  t.add('a', 10);
  t.set('a', 3, 11);
  t.delete('a');
  t.apply({ table: 'peers', key: 'z', expires: 100, value: 1, note: '' }, 10);
  assert.deepEqual(seen, [
    { table: 'peers', key: 'a', expires: 70, value: 0, note: '' },
    { table: 'peers', key: 'a', expires: 70, value: 3, note: '' },
    { table: 'peers', key: 'a', expires: 0, value: 0, note: '' },
  ]);
  assert.equal(t.get('z', 50), 1);
  t.apply({ table: 'peers', key: 'z', expires: 0, value: 0, note: '' }, 50);
  assert.equal(t.has('z', 50), false, 'an applied deletion removes the key');
});

test('shared table: never holds more than its capacity, whatever the sequence (property)', () => {
  fc.assert(
    fc.property(
      fc.array(
        fc.tuple(
          fc.constantFrom('add', 'has', 'set', 'del'),
          fc.integer({ min: 0, max: 9 }),
          fc.integer({ min: 0, max: 200 }),
        ),
      ),
      (ops) => {
        const t = new SharedTable(spec);
        let now = 0;
        for (const [op, k, dt] of ops) {
          now += dt;
          const key = String.fromCharCode(k);
          if (op === 'add') t.add(key, now);
          else if (op === 'has') t.has(key, now);
          else if (op === 'set') t.set(key, k, now);
          else t.delete(key);
          if (t.size > spec.capacity) return false;
          for (const [, e] of t.entries(now)) if (e.expires <= now) return false;
        }
        return true;
      },
    ),
  );
});

test('table set: scripts declaring the same name share one table; a disagreement is refused', () => {
  const s = new TableSet();
  const a = s.declare(spec, 'a.rope:1:1');
  const b = s.declare({ ...spec }, 'b.rope:2:1');
  assert.ok(a instanceof SharedTable);
  assert.equal(a, b);
  const c = s.declare({ ...spec, capacity: 10 }, 'c.rope:3:1') as TableConflict;
  assert.equal(c.kind, 'table-conflict');
  assert.equal(
    tableConflictMessage(c),
    'table peers is declared with capacity 10, lifetime 60 s in c.rope:3:1 but with capacity 3, lifetime 60 s in a.rope:1:1; declare it the same way everywhere',
  );
  const seen: string[] = [];
  s.setListener((ch) => seen.push(ch.key));
  (a as SharedTable).add('x', 0);
  s.declare({ name: 'other', capacity: 1, lifetime: 1 }, 'd.rope:1:1');
  (s.get('other') as SharedTable).add('y', 0);
  assert.deepEqual(seen, ['x', 'y'], 'the listener follows tables declared later too');
  assert.equal(s.apply({ table: 'nope', key: 'k', expires: 9, value: 0, note: '' }, 0), false);
});
