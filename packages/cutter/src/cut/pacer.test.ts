import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Pacer } from './pacer.js';

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

test('pacer: a batch per turn, in the order pushed', async () => {
  const p = new Pacer(2);
  const ran: number[] = [];
  for (let i = 0; i < 5; i++) p.push(() => ran.push(i));
  assert.deepEqual(ran, [], 'nothing runs inside push');
  await turn();
  assert.deepEqual(ran, [0, 1]);
  await turn();
  assert.deepEqual(ran, [0, 1, 2, 3]);
  await turn();
  assert.deepEqual(ran, [0, 1, 2, 3, 4]);
  assert.equal(p.pending, 0);
  assert.equal(p.peak, 5);
});

test('pacer: jobs pushed ahead leave before queued ones, also when pushed by a running job', async () => {
  const p = new Pacer(3);
  const ran: string[] = [];
  p.push(() => ran.push('probe 1'));
  p.push(() => ran.push('probe 2'));
  p.push(() => {
    ran.push('probe 3');
    // an answer handled mid-batch queues a RST and its probe
    p.push(() => ran.push('rst 2'), true);
    p.push(() => ran.push('probe 5'));
  });
  p.push(() => ran.push('probe 4'));
  p.push(() => ran.push('rst 1'), true);
  for (let i = 0; i < 3; i++) await turn();
  assert.deepEqual(ran, ['rst 1', 'probe 1', 'probe 2', 'probe 3', 'rst 2', 'probe 4', 'probe 5']);
});

test('pacer: each lane keeps its order, ahead first, batch bound held (property)', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.boolean(), { maxLength: 60 }),
      fc.integer({ min: 1, max: 8 }),
      async (lanes, batch) => {
        const p = new Pacer(batch);
        const ran: number[] = [];
        lanes.forEach((ahead, i) => p.push(() => ran.push(i), ahead));
        let turns = 0;
        while (p.pending > 0) {
          const before = ran.length;
          await turn();
          turns++;
          assert.ok(ran.length - before <= batch, 'at most one batch per turn');
        }
        const ahead = lanes.flatMap((a, i) => (a ? [i] : []));
        const rest = lanes.flatMap((a, i) => (a ? [] : [i]));
        assert.deepEqual(ran, [...ahead, ...rest]);
        assert.equal(turns, Math.ceil(lanes.length / batch));
      },
    ),
    { numRuns: 200 },
  );
});

test('pacer: a queue that never empties keeps its order over thousands of jobs', async () => {
  // 100 wait at every turn's start and each turn adds as many as a batch runs: the queue never
  // empties, and what runs is still in the order pushed
  const p = new Pacer(64);
  const ran: number[] = [];
  let pushed = 0;
  const pushOne = () => {
    const id = pushed++;
    p.push(() => ran.push(id));
  };
  for (let i = 0; i < 100; i++) pushOne();
  for (let turn = 0; turn < 200; turn++) {
    for (let i = 0; i < 64; i++) pushOne();
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  while (p.pending > 0) await new Promise<void>((resolve) => setImmediate(resolve));
  assert.deepEqual(
    ran,
    Array.from({ length: pushed }, (_, i) => i),
  );
});

test('pacer: clear drops both lanes', async () => {
  const p = new Pacer();
  const ran: number[] = [];
  p.push(() => ran.push(1));
  p.push(() => ran.push(2), true);
  p.clear();
  await turn();
  assert.deepEqual(ran, []);
  assert.equal(p.pending, 0);
});
