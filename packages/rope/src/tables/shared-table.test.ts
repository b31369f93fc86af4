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

/**
 * The table as it was before its use order became a linked list: the Map's insertion order was
 * the order, and a use was delete and set. A model to hold the list to.
 */
class MapOrderTable {
  readonly map = new Map<string, { expires: number; value: number; note: string }>();
  evictions = 0;
  newKeys = 0;
  readonly changes: TableChange[] = [];
  constructor(
    readonly capacity: number,
    readonly lifetime: number,
  ) {}
  private live(key: string, now: number) {
    const e = this.map.get(key);
    if (e === undefined) return undefined;
    if (e.expires <= now) {
      this.map.delete(key);
      return undefined;
    }
    return e;
  }
  private evictOne(now: number): void {
    const first = this.map.keys().next();
    if (first.done) return;
    if (this.map.get(first.value)!.expires > now) this.evictions++;
    this.map.delete(first.value);
  }
  add(key: string, now: number, lifetime = this.lifetime, value?: number, note?: string): void {
    const expires = now + lifetime;
    let e = this.map.get(key);
    if (e !== undefined) {
      this.map.delete(key);
      if (e.expires <= now) {
        e.value = 0;
        e.note = '';
        this.newKeys++;
      }
      e.expires = expires;
      if (value !== undefined) e.value = value;
      if (note !== undefined) e.note = note;
    } else {
      if (this.map.size >= this.capacity) this.evictOne(now);
      e = { expires, value: value ?? 0, note: note ?? '' };
      this.newKeys++;
    }
    this.map.set(key, e);
    this.changes.push({ table: 'peers', key, expires, value: e.value, note: e.note });
  }
  find(key: string, now: number) {
    const e = this.live(key, now);
    if (e === undefined) return undefined;
    this.map.delete(key);
    this.map.set(key, e);
    return e;
  }
  get(key: string, now: number): number {
    return this.live(key, now)?.value ?? -1;
  }
  set(key: string, value: number, now: number): void {
    const e = this.live(key, now);
    if (e === undefined) return this.add(key, now, this.lifetime, value);
    e.value = value;
    this.changes.push({ table: 'peers', key, expires: e.expires, value, note: e.note });
  }
  delete(key: string): boolean {
    const had = this.map.delete(key);
    if (had) this.changes.push({ table: 'peers', key, expires: 0, value: 0, note: '' });
    return had;
  }
  remaining(key: string, now: number): number {
    const e = this.live(key, now);
    return e === undefined ? 0 : e.expires - now;
  }
  apply(c: TableChange, now: number): void {
    if (c.expires <= now) {
      this.map.delete(c.key);
      return;
    }
    let e = this.map.get(c.key);
    if (e !== undefined) {
      this.map.delete(c.key);
      if (e.expires <= now) this.newKeys++;
      Object.assign(e, { expires: c.expires, value: c.value, note: c.note });
    } else {
      if (this.map.size >= this.capacity) this.evictOne(now);
      e = { expires: c.expires, value: c.value, note: c.note };
      this.newKeys++;
    }
    this.map.set(c.key, e);
  }
  expire(now: number): number {
    let n = 0;
    for (const [k, e] of this.map)
      if (e.expires <= now) {
        this.map.delete(k);
        n++;
      }
    return n;
  }
  entries(now: number) {
    return [...this.map].filter(([, e]) => e.expires > now);
  }
}

test('shared table: every operation agrees with the Map-ordered table it replaced (property)', () => {
  const op = fc.oneof(
    fc.record({
      op: fc.constant('add' as const),
      k: fc.nat(7),
      life: fc.option(fc.integer({ min: 1, max: 90 })),
      v: fc.option(fc.nat(9)),
      note: fc.option(fc.constantFrom('', 'tracker', 'dht')),
    }),
    fc.record({
      op: fc.constantFrom('find' as const, 'get' as const, 'del' as const, 'remaining' as const),
      k: fc.nat(7),
    }),
    fc.record({ op: fc.constant('set' as const), k: fc.nat(7), v: fc.nat(9) }),
    fc.record({
      op: fc.constant('apply' as const),
      k: fc.nat(7),
      life: fc.integer({ min: -10, max: 90 }),
      v: fc.nat(9),
    }),
    fc.record({ op: fc.constantFrom('expire' as const, 'clear' as const) }),
  );
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 5 }),
      fc.array(fc.tuple(op, fc.nat(40)), { maxLength: 80 }),
      (capacity, ops) => {
        const t = new SharedTable({ name: 'peers', capacity, lifetime: 60 });
        const seen: TableChange[] = [];
        t.onChange = (c) => seen.push({ ...c });
        const m = new MapOrderTable(capacity, 60);
        let now = 0;
        for (const [o, dt] of ops) {
          now += dt;
          const key = 'k' in o ? `key${o.k}` : '';
          switch (o.op) {
            case 'add':
              t.add(key, now, o.life ?? undefined, o.v ?? undefined, o.note ?? undefined);
              m.add(key, now, o.life ?? undefined, o.v ?? undefined, o.note ?? undefined);
              break;
            case 'find':
              assert.deepEqual(t.find(key, now)?.note, m.find(key, now)?.note);
              break;
            case 'get':
              assert.equal(t.get(key, now, -1), m.get(key, now));
              break;
            case 'set':
              t.set(key, o.v, now);
              m.set(key, o.v, now);
              break;
            case 'del':
              assert.equal(t.delete(key), m.delete(key));
              break;
            case 'remaining':
              assert.equal(t.remaining(key, now), m.remaining(key, now));
              break;
            case 'apply': {
              const c = { table: 'peers', key, expires: now + o.life, value: o.v, note: 'x' };
              t.apply(c, now);
              m.apply(c, now);
              break;
            }
            case 'expire':
              assert.equal(t.expire(now), m.expire(now));
              break;
            case 'clear':
              t.clear();
              m.map.clear();
              break;
          }
          assert.equal(t.size, m.map.size);
          assert.deepEqual(
            [...t.entries(now)].map(([k, e]) => [k, e.expires, e.value, e.note]),
            m.entries(now).map(([k, e]) => [k, e.expires, e.value, e.note]),
          );
          assert.equal(t.evictions, m.evictions);
          assert.equal(t.newKeys, m.newKeys);
        }
        assert.deepEqual(seen, m.changes);
      },
    ),
  );
});

test('shared table: entries may be gone through while the table changes', () => {
  const t = new SharedTable({ name: 'peers', capacity: 10, lifetime: 60 });
  for (const k of ['a', 'b', 'c', 'd']) t.add(k, 0);
  const keys: string[] = [];
  for (const [k] of t.entries(1)) {
    keys.push(k);
    t.delete('c'); // the walk sees each entry live when it began, once; the Map's iterator saw
    // changes (a used key came round again at the end)
    t.has('a', 1);
  }
  assert.deepEqual(keys, ['a', 'b', 'c', 'd']);
  assert.deepEqual(
    [...t.entries(1)].map(([k]) => k),
    ['b', 'd', 'a'],
  );
});
