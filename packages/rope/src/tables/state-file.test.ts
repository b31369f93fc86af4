import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import type { SharedTable } from './shared-table.js';
import {
  decodeState,
  encodeState,
  loadState,
  saveState,
  stateProblemMessage,
  type StateProblem,
} from './state-file.js';
import { TableSet } from './table-set.js';
import { withTempDir } from '../../../../test/support/temp-dir.js';

function tables(): { set: TableSet; peers: SharedTable } {
  const set = new TableSet();
  const peers = set.declare({ name: 'peers', capacity: 100, lifetime: 3600 }, 't') as SharedTable;
  return { set, peers };
}

test('state file: what was learned survives a restart, expired entries and unknown tables do not', () =>
  withTempDir('rope-state-', (dir) => {
    const file = join(dir, 'state.json');
    const a = tables();
    a.peers.add('\xc6\x33\x64\x0a\x1a\xe1', 1000, 3600, 2);
    a.peers.add('short', 1000, 10);
    a.set.declare({ name: 'gone', capacity: 5, lifetime: 60 }, 't');
    (a.set.get('gone') as SharedTable).add('x', 1000);
    saveState(file, a.set, 1005);
    assert.deepEqual(readdirSync(dir), ['state.json'], 'no temporary file is left');

    const b = tables();
    const r = loadState(file, b.set, 1020);
    assert.deepEqual(
      r,
      { applied: 1, skipped: 2 },
      '"short" expired while down; "gone" is not declared',
    );
    assert.equal(b.peers.get('\xc6\x33\x64\x0a\x1a\xe1', 1020), 2);
    assert.equal(b.peers.remaining('\xc6\x33\x64\x0a\x1a\xe1', 1020), 3580);
  }));

test('state file: a missing file is a first start; corrupt or foreign files are one-line problems', () =>
  withTempDir('rope-state-', (dir) => {
    const { set } = tables();
    assert.deepEqual(loadState(join(dir, 'none.json'), set, 0), { applied: 0, skipped: 0 });
    const cases: [string, string][] = [
      [
        '{"format":"p2pwall-state","version":1,"tables":{"peers":[["zz",1,1]]}}',
        'table peers has a malformed entry',
      ],
      ['{"format":"p2pwall-state","vers', 'not valid JSON (corrupt or not a p2pwall state file)'],
      ['{"hello":1}', 'not a p2pwall state file'],
      [
        '{"format":"p2pwall-state","version":9,"tables":{}}',
        'format version 9 is not supported (this rope reads 1)',
      ],
    ];
    for (const [text, reason] of cases) {
      const f = join(dir, 'bad.json');
      writeFileSync(f, text);
      const p = loadState(f, set, 0) as StateProblem;
      assert.equal(p.reason, reason);
      assert.equal(stateProblemMessage(p), `state file ${f}: ${reason}; starting without it`);
    }
    const p = loadState(dir, set, 0) as StateProblem;
    assert.equal(p.reason, 'not a regular file');
  }));

test('state file: encode and decode are inverse for any byte keys (property)', () => {
  fc.assert(
    fc.property(
      fc.uniqueArray(
        fc.tuple(
          fc.uint8Array({ maxLength: 20 }),
          fc.integer({ min: 1, max: 1e6 }),
          fc.integer({ min: -1e6, max: 1e6 }),
        ),
        {
          selector: ([k]) => Buffer.from(k).toString('hex'),
          maxLength: 50,
        },
      ),
      (rows) => {
        const { set, peers } = tables();
        for (const [k, life, v] of rows) peers.add(Buffer.from(k).toString('latin1'), 0, life, v);
        const back = decodeState(encodeState(set, 0), 'f');
        assert.ok(Array.isArray(back));
        assert.deepEqual(
          back.map((c) => [Buffer.from(c.key, 'latin1').toString('hex'), c.expires, c.value]),
          rows.map(([k, life, v]) => [Buffer.from(k).toString('hex'), life, v]),
        );
      },
    ),
  );
});
