import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { FLOW_REGISTERS } from '../runtime/machine.js';
import type { Value } from '../runtime/values.js';
import { RegisterStore } from './flow-registers.js';

const fresh = (): Value[] => new Array<Value>(FLOW_REGISTERS).fill(0);

test('integers live in the typed array, a set holding a string in the side store', () => {
  const s = new RegisterStore(2, 4);
  const regs = fresh();
  s.load(3, 1, regs);
  assert.deepEqual(regs, fresh());
  regs[0] = -2147483648;
  regs[15] = 2147483647;
  s.save(3, 1, regs);
  assert.equal(s.sideSets, 0);
  regs[4] = 'ab\u00ff';
  s.save(3, 0, regs);
  assert.equal(s.sideSets, 1);
  const back = fresh();
  s.load(3, 1, back);
  assert.deepEqual([back[0], back[4], back[15]], [-2147483648, 0, 2147483647]);
  s.load(3, 0, back);
  assert.equal(back[4], 'ab\u00ff');
  // back to integers only: the side entry goes
  back[4] = 7;
  s.save(3, 0, back);
  assert.equal(s.sideSets, 0);
  assert.equal(s.read(3, 0)![4], 7);
  s.clear(3);
  assert.equal(s.read(3, 0), null);
  assert.equal(s.read(3, 1), null);
});

for (const pageSets of [4096, 32, 4, 1])
  test(`load, save, drop, move and resize agree with a model, ${pageSets} sets a page (property)`, () => {
    const value = fc.oneof(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), fc.string());
    const op = fc.oneof(
      fc.record({
        k: fc.constant('save' as const),
        slot: fc.nat(7),
        set: fc.nat(1),
        reg: fc.nat(15),
        v: value,
      }),
      fc.record({ k: fc.constant('drop' as const), slot: fc.nat(7), set: fc.nat(1) }),
      fc.record({ k: fc.constant('clear' as const), slot: fc.nat(7) }),
      fc.record({ k: fc.constant('move' as const), from: fc.nat(7), to: fc.nat(7) }),
      fc.record({ k: fc.constant('resize' as const), capacity: fc.integer({ min: 8, max: 20 }) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
        const s = new RegisterStore(2, 8, pageSets);
        const model = new Map<string, Value[]>();
        const key = (slot: number, set: number) => `${slot}/${set}`;
        for (const o of ops) {
          if (o.k === 'save') {
            const regs = fresh();
            s.load(o.slot, o.set, regs);
            assert.deepEqual(regs, model.get(key(o.slot, o.set)) ?? fresh());
            regs[o.reg] = o.v;
            s.save(o.slot, o.set, regs);
            model.set(key(o.slot, o.set), regs.slice());
          } else if (o.k === 'drop') {
            s.drop(o.slot, o.set);
            model.delete(key(o.slot, o.set));
          } else if (o.k === 'clear') {
            s.clear(o.slot);
            for (const set of [0, 1]) model.delete(key(o.slot, set));
          } else if (o.k === 'move') {
            // moves go to an empty slot only
            if (o.from === o.to || [0, 1].some((set) => model.has(key(o.to, set)))) continue;
            s.move(o.from, o.to);
            for (const set of [0, 1]) {
              const v = model.get(key(o.from, set));
              model.delete(key(o.from, set));
              if (v) model.set(key(o.to, set), v);
            }
          } else s.resize(o.capacity);
        }
        let strings = 0;
        for (let slot = 0; slot < 8; slot++)
          for (const set of [0, 1]) {
            const want = model.get(key(slot, set)) ?? null;
            assert.deepEqual(s.read(slot, set), want);
            if (want?.some((v) => typeof v !== 'number')) strings++;
          }
        assert.equal(s.sideSets, strings);
      }),
    );
  });
