import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { drainRuns, type DrainLimits, type RunReader } from './direct-drain.js';

// a socket as a script: each receive() takes the next run size (or −errno); each waitReadable()
// takes the next answer and advances the fake clock by what it waited
function fake(runs: number[], waits: boolean[], slots = 4, waitCost = 1, readCost = 0) {
  const log: string[] = [];
  let clock = 0;
  const io: RunReader = {
    slots,
    receive: () => {
      const n = runs.length > 0 ? runs.shift()! : 0;
      log.push(`recv ${n}`);
      clock += readCost;
      return n;
    },
    waitReadable: (ms) => {
      const yes = waits.length > 0 ? waits.shift()! : false;
      log.push(`wait ${ms} ${yes}`);
      clock += yes ? 0.1 : Math.min(ms, waitCost);
      return yes;
    },
  };
  return { io, log, now: () => clock };
}

function drain(
  f: ReturnType<typeof fake>,
  limits: Partial<DrainLimits>,
  stop = () => false,
): { handled: number; errors: number[] } {
  let handled = 0;
  const errors: number[] = [];
  drainRuns(
    f.io,
    { budget: 256, lingerMs: 0, budgetMs: 4, ...limits },
    (n) => (handled += n),
    (e) => errors.push(e),
    stop,
    f.now,
  );
  return { handled, errors };
}

test('without lingering: full runs are followed by another read, a short run ends the drain', () => {
  const f = fake([4, 4, 2, 4], []);
  assert.deepEqual(drain(f, {}), { handled: 10, errors: [] });
  assert.deepEqual(f.log, ['recv 4', 'recv 4', 'recv 2']);
});

test('lingering: a dry socket waits for the next datagram and reads on while one comes', () => {
  const f = fake([1, 1, 0], [true, true, false]);
  assert.deepEqual(drain(f, { lingerMs: 2 }), { handled: 2, errors: [] });
  assert.deepEqual(f.log, [
    'recv 1',
    'wait 2 true',
    'recv 1',
    'wait 2 true',
    'recv 0',
    'wait 2 false',
  ]);
});

test('lingering ends when the time budget is spent, never waiting past it', () => {
  // each wait that times out costs its whole linger on the clock
  const f = fake([1, 1, 1, 1, 1], [false], 4, 2);
  drain(f, { lingerMs: 3, budgetMs: 4 });
  assert.deepEqual(f.log, ['recv 1', 'wait 3 false']);
  // datagrams keep coming, each read costing 1.5 ms: past 4 ms it returns instead of waiting
  const g = fake(Array(10).fill(1), Array(10).fill(true), 4, 1, 1.5);
  assert.deepEqual(drain(g, { lingerMs: 2, budgetMs: 4 }).handled, 3);
  // the second wait is cut to what is left of the budget (0.9 ms, rounded up)
  assert.deepEqual(g.log, ['recv 1', 'wait 2 true', 'recv 1', 'wait 1 true', 'recv 1']);
});

test('a read error goes to onError and ends the drain at once, lingering or not', () => {
  const f = fake([2, -105, 3], [true]);
  assert.deepEqual(drain(f, { lingerMs: 2 }), { handled: 2, errors: [105] });
  assert.deepEqual(f.log, ['recv 2', 'wait 2 true', 'recv -105']);
});

test('the datagram budget and stop() end the drain even while datagrams keep coming', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 40 }), fc.boolean(), (budget, linger) => {
      const f = fake(Array(100).fill(4), Array(100).fill(true));
      const r = drain(f, { budget, lingerMs: linger ? 2 : 0 });
      // whole runs: it stops at the first run that reaches the budget
      assert.equal(r.handled, Math.ceil(budget / 4) * 4);
    }),
  );
  let calls = 0;
  const g = fake(Array(100).fill(4), []);
  assert.equal(drain(g, {}, () => ++calls >= 3).handled, 12);
});
