import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { keepYoungGenerationSmall } from './young-generation.js';

const here = fileURLToPath(new URL('./young-generation.js', import.meta.url));

// a fresh process: applies the policy (or not), keeps many objects alive long enough to survive
// scavenges (what a flood of new flows does), and reports how large the young generation grew
function youngGeneration(env: Record<string, string>, flags: string[] = []) {
  const program = `
    import { keepYoungGenerationSmall } from ${JSON.stringify(here)};
    import v8 from 'node:v8';
    const applied = keepYoungGenerationSmall();
    const keep = [];
    for (let i = 0; i < 2e6; i++) {
      keep.push({ a: i, b: 'x' + (i & 1023) });
      if (keep.length > 300000) keep.length = 0;
    }
    const s = v8.getHeapSpaceStatistics().find((x) => x.space_name === 'new_space');
    console.log(JSON.stringify({ applied, mib: s.space_size / 1048576 }));`;
  const r = spawnSync(
    process.execPath,
    [...process.execArgv, ...flags, '--input-type=module', '-e', program],
    { encoding: 'utf8', env: { ...process.env, ...env } },
  );
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as { applied: boolean; mib: number };
}

test('the young generation stays at its smallest under surviving allocations', () => {
  const small = youngGeneration({});
  assert.equal(small.applied, true);
  // start-up (here tsx loading the sources) may have grown it once before the policy applied
  assert.ok(small.mib <= 4, `new space ${small.mib} MiB`);
  const off = youngGeneration({ P2PWALL_SMALL_YOUNG_GEN: '0' });
  assert.equal(off.applied, false);
  assert.ok(off.mib >= 16, `without the policy V8 grows it (${off.mib} MiB)`);
});

test('an explicit semi-space choice on the command line or in NODE_OPTIONS wins', () => {
  assert.equal(keepYoungGenerationSmall(['--max-semi-space-size=8'], {}), false);
  assert.equal(keepYoungGenerationSmall([], { NODE_OPTIONS: '--max_semi_space_size=8' }), false);
  assert.equal(keepYoungGenerationSmall([], { P2PWALL_SMALL_YOUNG_GEN: '0' }), false);
  const chosen = youngGeneration({}, ['--max-semi-space-size=4']);
  assert.equal(chosen.applied, false);
  assert.ok(chosen.mib >= 8, `the command line's 4 MiB semi-spaces (${chosen.mib} MiB)`);
});
