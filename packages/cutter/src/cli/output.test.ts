// What a cut prints about connections that were closing already: no line of their own unless
// asked, a count in the summary, and no failure in the exit status.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sample } from '../../../../test/cutter-tui/connections.js';
import type { CutResult } from '../cut/result.js';
import { cutStatus, EXIT_ALL_CUT, EXIT_SOME_FAILED } from './exit-codes.js';
import { isListed, resultLine, summaryJsonLine, summaryLine } from './output.js';

const live = (n: number): CutResult[] =>
  Array.from({ length: n }, (_, i) => ({
    connection: sample('192.0.2.10', 40000 + i, '198.51.100.10', 80, { id: i + 1 }),
    result: 'cut',
    reason: '',
    ms: 1,
  }));
const closing = (n: number): CutResult[] =>
  Array.from({ length: n }, (_, i) => ({
    connection: sample('192.0.2.10', 50000 + i, '198.51.100.10', 80, { id: 1000 + i, state: 7 }),
    result: 'closing',
    reason: 'already closing (TIME_WAIT)',
    ms: 0,
  }));

test('closing connections: counted, not listed unless asked, and no failure', () => {
  const results = [...live(3), ...closing(50)];
  assert.equal(cutStatus(results), EXIT_ALL_CUT);
  assert.equal(cutStatus(closing(5)), EXIT_ALL_CUT);
  assert.equal(results.filter((r) => isListed(r, false)).length, 3);
  assert.equal(results.filter((r) => isListed(r, true)).length, 53);
  assert.equal(summaryLine(results), '3 cut, 0 failed, 0 skipped, 50 already closing, left alone');
  // without closing ones the line is as it always was
  assert.equal(summaryLine(live(2)), '2 cut, 0 failed, 0 skipped');
  assert.match(resultLine(closing(1)[0]), /^closing .*: already closing \(TIME_WAIT\)$/);
  const failed: CutResult = { ...live(1)[0], result: 'failed', reason: 'timeout' };
  const skipped: CutResult = { ...live(1)[0], result: 'skipped', reason: 'udp cannot be reset' };
  assert.equal(cutStatus([...results, failed]), EXIT_SOME_FAILED);
  assert.equal(cutStatus([...results, skipped]), EXIT_SOME_FAILED);
});

test('the --json summary line: event first, then the counts', () => {
  const line = summaryJsonLine([...live(3), ...closing(50)], new Date(0));
  assert.equal(
    line,
    '{"event":"summary","schema":1,"time":"1970-01-01T00:00:00.000Z","cut":3,"failed":0,"skipped":0,"closing":50}',
  );
});

test('docs/json.md documents every field of the summary and leftovers-removed lines', async () => {
  const { readFileSync } = await import('node:fs');
  const { leftoversJsonLine } = await import('./leftovers.js');
  const page = readFileSync(new URL('../../../../docs/json.md', import.meta.url), 'utf8');
  const lines = [
    summaryJsonLine(live(1)),
    leftoversJsonLine([{ backend: 'nft', name: 'p2pwall_cutter_1', pid: 1 }]),
  ];
  for (const line of lines) {
    const o = JSON.parse(line);
    assert.ok(page.includes(`### event "${o.event}"`), o.event);
    for (const f of Object.keys(o)) assert.ok(page.includes(`| \`${f}\``), `${o.event}: ${f}`);
  }
  for (const f of ['backend', 'name', 'pid']) assert.ok(page.includes(`\`${f}\``), f);
  assert.match(page, /`closing` \(already closing/);
});
