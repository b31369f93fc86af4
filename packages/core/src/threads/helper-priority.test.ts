// The helper threads' priority, in a child process (the test runner's own threads stay as they
// are): every thread but the main one `step` nicer, the main thread unchanged, and a worker
// started afterwards at the main thread's priority, not the helpers'.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { DEFAULT_HELPER_NICE_STEP, helperNiceStep } from './helper-priority.js';

test('P2PWALL_HELPER_NICE: a whole number 0-19; unset or empty, the default; else a one-line error', () => {
  assert.equal(helperNiceStep({}), DEFAULT_HELPER_NICE_STEP);
  assert.equal(helperNiceStep({ P2PWALL_HELPER_NICE: '' }), DEFAULT_HELPER_NICE_STEP);
  assert.equal(helperNiceStep({ P2PWALL_HELPER_NICE: '0' }), 0);
  assert.equal(helperNiceStep({ P2PWALL_HELPER_NICE: '5' }), 5);
  assert.equal(helperNiceStep({ P2PWALL_HELPER_NICE: '19' }), 19);
  for (const bad of ['20', '25', '-3', 'ten', '1.5', '100'])
    assert.throws(
      () => helperNiceStep({ P2PWALL_HELPER_NICE: bad }),
      (e: Error) =>
        e instanceof RangeError &&
        e.message === `P2PWALL_HELPER_NICE: '${bad}' is not a whole number of nice steps in 0..19`,
      bad,
    );
});

interface Seen {
  changed: number;
  helpers: { before: number; after: number | null }[];
  mainBefore: number;
  mainAfter: number;
  worker: number;
}

function inChild(step: number): Seen {
  const module = JSON.stringify(new URL('../../dist/threads/index.js', import.meta.url).href);
  const program = `
    const { readdirSync, readlinkSync } = await import('node:fs');
    const { getPriority } = await import('node:os');
    const { Worker } = await import('node:worker_threads');
    const { deferHelperThreads } = await import(${module});
    const others = readdirSync('/proc/self/task').map(Number).filter((t) => t !== process.pid);
    const before = others.map((t) => getPriority(t));
    const mainBefore = getPriority(process.pid);
    const changed = deferHelperThreads(${step});
    const helpers = others.map((t, i) => {
      try { return { before: before[i], after: getPriority(t) }; }
      catch { return { before: before[i], after: null }; }
    });
    const worker = await new Promise((resolve, reject) => {
      const w = new Worker(
        "(async () => {" +
        "  const { parentPort } = await import('node:worker_threads');" +
        "  const { readlinkSync } = await import('node:fs');" +
        "  const { getPriority } = await import('node:os');" +
        "  const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());" +
        "  parentPort.postMessage(getPriority(tid));" +
        "})();",
        { eval: true },
      );
      w.once('message', resolve);
      w.once('error', reject);
    });
    console.log(JSON.stringify({ changed, helpers, mainBefore, mainAfter: getPriority(process.pid), worker }));
    process.exit(0);`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', program], {
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as Seen;
}

const linux = process.platform === 'linux';

test(
  'deferHelperThreads: the other threads nicer by the step, the main thread and its new workers not',
  {
    skip: linux ? false : 'per-thread priorities are a Linux feature',
  },
  () => {
    const seen = inChild(7);
    // Node always runs V8's platform threads beside the main one
    assert.ok(seen.helpers.length >= 2, `${seen.helpers.length} other threads`);
    const moved = seen.helpers.filter((h) => h.after !== null && h.after !== h.before).length;
    assert.equal(seen.changed, moved);
    assert.ok(seen.changed >= 2);
    for (const h of seen.helpers)
      if (h.after !== null) assert.equal(h.after, Math.min(19, h.before + 7), JSON.stringify(h));
    assert.equal(seen.mainAfter, seen.mainBefore);
    assert.equal(seen.worker, seen.mainBefore);
  },
);

test(
  'deferHelperThreads with step 0 changes nothing',
  {
    skip: linux ? false : 'per-thread priorities are a Linux feature',
  },
  () => {
    const seen = inChild(0);
    assert.equal(seen.changed, 0);
    for (const h of seen.helpers) if (h.after !== null) assert.equal(h.after, h.before);
  },
);
