// Which method a connection goes to, and the reasons a connection is skipped. Connections that
// are all skipped need no kernel: cut() opens nothing for them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sample } from '../../../../test/cutter-tui/connections.js';
import { cut, METHODS } from './cut.js';

const A = '192.0.2.10';
const B = '198.51.100.10';

test('every connection is of exactly one method’s kind', () => {
  const kinds = [
    sample(A, 40000, B, 80, { id: 1 }),
    sample(A, 40001, B, 80, { id: 2, local: 'responder' }),
    sample(A, 5353, B, 53, { id: 3, proto: 17 }),
    sample(A, 0, B, 0, { id: 4, proto: 1 }),
    sample(A, 5000, B, 5000, { id: 5, proto: 132 }),
  ];
  assert.deepEqual(
    kinds.map((c) => METHODS.filter((m) => m.covers(c)).map((m) => m.name)),
    [['rst'], ['sock-destroy'], ['conntrack-delete'], ['conntrack-delete'], ['conntrack-delete']],
  );
});

test('skipped and closing connections are reported with their reason', async () => {
  const offloaded = sample(A, 40000, B, 80, { id: 1 });
  offloaded.uncuttable = 'offloaded to a flowtable';
  const conns = [
    offloaded,
    sample(A, 40001, B, 80, { id: 2, state: 7 }),
    sample(A, 40002, B, 80, { id: 3, state: 7, local: 'initiator' }),
    sample(A, 5353, B, 53, { id: 4, proto: 17 }),
    sample(A, 5000, B, 5000, { id: 5, proto: 132 }),
    sample(A, 0, B, 0, { id: 6, proto: 1 }),
  ];
  const streamed: string[] = [];
  const results = await cut(conns, { onResult: (r) => streamed.push(r.reason) });
  assert.deepEqual(
    results.map((r) => [r.result, r.reason]),
    [
      ['skipped', 'offloaded to a flowtable'],
      ['closing', 'already closing (TIME_WAIT)'],
      ['closing', 'already closing (TIME_WAIT)'],
      ['skipped', 'udp cannot be reset (use --drop-udp to delete its entry and block it)'],
      ['skipped', 'sctp cannot be reset'],
      ['skipped', 'icmp cannot be reset'],
    ],
  );
  assert.deepEqual(
    streamed,
    results.map((r) => r.reason),
  );
  // --drop-udp takes the protocols with ports only
  const [icmp] = await cut([conns[5]], { dropUdp: true });
  assert.equal(icmp.reason, 'icmp cannot be reset');
});
