// The built-in scripts in the straight-line tier (compile/straight-line.ts) from their first
// run label every flow as they do on the loop tier, where short captures keep them: the same
// labels, at the same packet, for the same reason. The bundled samples always; a quarter of
// the corpus where it is present.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { corpusDir, corpusSkip, repoRoot } from '../../../../test/support/environment.js';
import { classifyCapture, type FlowReport } from '../classify/classify-capture.js';
import { setHotRuns } from '../compile/sequence.js';
import { BUILTIN_SCRIPTS } from './builtin-scripts.js';
import { compileBuiltin } from './compile-builtin.js';

function flowsOf(files: readonly string[], hot: number): FlowReport[][] {
  const was = setHotRuns(hot);
  let rules;
  try {
    rules = BUILTIN_SCRIPTS.map((name) => ({ script: compileBuiltin(name) }));
  } finally {
    setHotRuns(was);
  }
  return files.map((f) => {
    const r = classifyCapture(f, rules);
    assert.equal(r.error, null, f);
    return r.flows;
  });
}

function sameInBothTiers(files: readonly string[]): void {
  const loop = flowsOf(files, Infinity);
  const straight = flowsOf(files, 0);
  for (let i = 0; i < files.length; i++) assert.deepEqual(straight[i], loop[i], files[i]);
  assert.ok(
    loop.some((flows) => flows.some((f) => f.labels.length > 0)),
    'some flow is labelled: the scripts ran',
  );
}

test('built-in scripts label the samples the same in both tiers', () => {
  const dir = join(repoRoot, 'packages', 'rope', 'samples');
  sameInBothTiers(
    readdirSync(dir)
      .filter((f) => f.endsWith('.pcap'))
      .map((f) => join(dir, f)),
  );
});

test(
  'built-in scripts label corpus captures the same in both tiers',
  { skip: corpusSkip() },
  () => {
    const dir = join(corpusDir, 'pcap');
    sameInBothTiers(
      readdirSync(dir)
        .sort()
        .filter((_f, i) => i % 4 === 1)
        .map((f) => join(dir, f)),
    );
  },
);
