// `rope classify` started as users start it (bin/rope.js) makes its helper threads nicer, and
// leaves its main thread as it was; with P2PWALL_HELPER_NICE=0, and for a command that serves
// or checks rather than classifies, nothing changes. A preload reports every thread's priority
// as the process exits (core's threads/helper-priority.test.ts checks the mechanism itself).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { buildUdpPacket } from '@p2pwall/core';
import { repoRoot } from '../../../../test/support/environment.js';
import { writeCapture } from './testing.js';

const tmp = mkdtempSync(join(tmpdir(), 'rope-helpers-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

const REPORT = join(tmp, 'report-priorities.cjs');
writeFileSync(
  REPORT,
  `const { readdirSync, writeSync } = require('node:fs');
const { getPriority } = require('node:os');
process.on('exit', () => {
  const others = [];
  for (const t of readdirSync('/proc/self/task')) {
    if (Number(t) === process.pid) continue;
    try { others.push(getPriority(Number(t))); } catch {}
  }
  writeSync(2, '\\nPRIORITIES ' + JSON.stringify({ main: getPriority(process.pid), others }) + '\\n');
});
`,
);

const CAPTURE = writeCapture(join(tmp, 'one.pcap'), [
  buildUdpPacket({
    src: '192.0.2.1',
    dst: '198.51.100.1',
    srcPort: 40000,
    dstPort: 53,
    payload: 'x',
  }),
]);

function ropeBin(args: string[], env: NodeJS.ProcessEnv = {}) {
  return spawnSync(
    process.execPath,
    ['-r', REPORT, join(repoRoot, 'packages/rope/bin/rope.js'), ...args],
    { encoding: 'utf8', env: { ...process.env, ...env } },
  );
}

function priorities(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): { main: number; others: number[] } {
  const r = ropeBin(args, env);
  assert.equal(r.status, 0, r.stderr);
  const line = r.stderr.split('\n').find((l) => l.startsWith('PRIORITIES '));
  assert.ok(line, r.stderr);
  return JSON.parse(line.slice('PRIORITIES '.length)) as { main: number; others: number[] };
}

const skip = process.platform === 'linux' ? false : 'per-thread priorities are a Linux feature';

test(
  'rope classify: its helper threads 10 steps nicer, its main thread as it was',
  { skip },
  () => {
    const p = priorities(['classify', '--json', CAPTURE]);
    // V8's platform threads exist from the start; threads made later inherit the main thread's
    const nicer = p.others.filter((n) => n === Math.min(19, p.main + 10));
    assert.ok(nicer.length >= 2, JSON.stringify(p));
    for (const n of p.others) assert.ok(n === p.main || n === Math.min(19, p.main + 10), String(n));
  },
);

test(
  'P2PWALL_HELPER_NICE=0, or a command other than classify: every thread as it was',
  { skip },
  () => {
    for (const [args, env] of [
      [['classify', '--json', CAPTURE], { P2PWALL_HELPER_NICE: '0' }],
      [['check', join(repoRoot, 'packages/rope/builtins/gnutella.rope')], {}],
    ] as const) {
      const p = priorities([...args], env);
      assert.ok(p.others.length >= 2, JSON.stringify(p));
      for (const n of p.others) assert.equal(n, p.main, `${args.join(' ')}: ${JSON.stringify(p)}`);
    }
  },
);

test('a malformed P2PWALL_HELPER_NICE: a usage error naming it, nothing classified', () => {
  const r = ropeBin(['classify', '--json', CAPTURE], { P2PWALL_HELPER_NICE: 'lots' });
  assert.equal(r.status, 2);
  assert.equal(r.stdout, '');
  assert.equal(
    r.stderr
      .split('\n')
      .filter((l) => !l.startsWith('PRIORITIES ') && l !== '')
      .join('\n'),
    "rope classify: P2PWALL_HELPER_NICE: 'lots' is not a whole number of nice steps in 0..19\n" +
      "Try 'rope classify --help' for usage.",
  );
});
