import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sample } from '../../../../test/cutter-tui/connections.js';
import type { CutOptions } from '../cut/options.js';
import type { CutResult } from '../cut/result.js';
import { kernelCutter } from './kernel-cutter.js';

test('cut() gets the command line options, the view hooks and the abort signal', async () => {
  const c = sample('192.0.2.10', 40001, '198.51.100.10', 80, { id: 1 });
  const seen: CutOptions[] = [];
  const result: CutResult = { connection: c, result: 'cut', reason: '', ms: 1 };
  const fakeCut = async (conns: unknown[], o: CutOptions = {}) => {
    seen.push(o);
    o.onResult?.(result);
    return [result];
  };
  const fromCli: CutResult[] = [];
  const fromView: CutResult[] = [];
  const ac = new AbortController();
  const cutter = kernelCutter(
    { timeoutMs: 1234, firewall: 'iptables', onResult: (r) => fromCli.push(r) },
    fakeCut as never,
  );
  assert.deepEqual(
    await cutter.cut([c], { signal: ac.signal, onResult: (r) => fromView.push(r) }),
    [result],
  );
  assert.equal(seen[0].timeoutMs, 1234);
  assert.equal(seen[0].firewall, 'iptables');
  assert.equal(seen[0].signal, ac.signal);
  assert.deepEqual([fromCli, fromView], [[result], [result]]);
});
