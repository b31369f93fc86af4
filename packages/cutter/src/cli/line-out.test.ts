import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setImmediate as turn } from 'node:timers/promises';
import { LineOut } from './line-out.js';

test('lines of one turn leave in one write, in order; the next turn starts a new write', async () => {
  const writes: string[] = [];
  const out = new LineOut((t) => writes.push(t));
  out.line('{"a":1}');
  out.line('{"b":2}');
  assert.deepEqual(writes, [], 'nothing leaves before the turn ends');
  await turn();
  assert.deepEqual(writes, ['{"a":1}\n{"b":2}\n']);
  out.line('c');
  await turn();
  await turn();
  assert.deepEqual(writes, ['{"a":1}\n{"b":2}\n', 'c\n'], 'one write per turn, none when idle');
});

test('flush writes what is pending at once, and the scheduled turn then writes nothing', async () => {
  const writes: string[] = [];
  const out = new LineOut((t) => writes.push(t));
  out.line('x');
  out.flush();
  assert.deepEqual(writes, ['x\n']);
  await turn();
  out.flush();
  assert.deepEqual(writes, ['x\n']);
});
