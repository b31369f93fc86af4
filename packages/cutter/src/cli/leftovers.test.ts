// What cutter says when it removed a killed cutter's rules at start: one stderr line, or one
// `leftovers-removed` JSON event; nothing at all when there were none.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { StaleRules } from '@p2pwall/core/firewall';
import { leftoversJsonLine, removeLeftovers } from './leftovers.js';

const nft: StaleRules = { backend: 'nft', name: 'p2pwall_cutter_4242', pid: 4242 };
const ipt: StaleRules = { backend: 'iptables', name: 'P2PWALL_CUTTER_77', pid: 77 };

function run(json: boolean, find: () => StaleRules[]) {
  const out: string[] = [];
  const err: string[] = [];
  removeLeftovers({ json, out: (l) => out.push(l), err: (l) => err.push(l) }, find);
  return { out, err };
}

test('text: one line on stderr naming what was removed', () => {
  assert.deepEqual(
    run(false, () => [nft]),
    {
      out: [],
      err: [
        'removed the temporary rules of a cutter that was killed: nft table p2pwall_cutter_4242 (pid 4242)',
      ],
    },
  );
  const two = run(false, () => [nft, ipt]);
  assert.equal(two.err.length, 1);
  assert.match(
    two.err[0],
    /of 2 cutters that were killed: .*, iptables chains P2PWALL_CUTTER_77 \(pid 77\)$/,
  );
});

test('--json: one event line on stdout; nothing when there is nothing to remove', () => {
  assert.deepEqual(
    run(true, () => []),
    { out: [], err: [] },
  );
  assert.deepEqual(
    run(false, () => []),
    { out: [], err: [] },
  );
  const r = run(true, () => [nft]);
  assert.deepEqual(r.err, []);
  assert.equal(r.out.length, 1);
  assert.equal(
    leftoversJsonLine([nft], new Date(0)),
    '{"event":"leftovers-removed","schema":1,"time":"1970-01-01T00:00:00.000Z","removed":[{"backend":"nft","name":"p2pwall_cutter_4242","pid":4242}]}',
  );
});

test('a failure to look only warns: the cut goes on', () => {
  const r = run(false, () => {
    throw new Error('nft: Operation not permitted');
  });
  assert.deepEqual(r.err, [
    'could not remove the rules of killed cutters: nft: Operation not permitted',
  ]);
});
