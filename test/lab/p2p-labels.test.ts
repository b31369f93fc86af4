// foreignLabels, the check the lab tests make with `--script p2p`, without privileges: which flows
// carry a label other than their own network's.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { foreignLabels, type ClassifiedFlow } from './p2p-labels.js';

const flow = (b: string, labels: string[], via: string | null = null): ClassifiedFlow => ({
  l4: 'tcp',
  a: '192.0.2.10:40000',
  b,
  labels,
  packets: 3,
  bytes: 300,
  via,
});

test('foreignLabels: its own label or none passes, any other label is reported', () => {
  const flows = [
    flow('198.51.100.10:1', ['edonkey']),
    flow('198.51.100.10:2', []),
    flow('198.51.100.10:3', ['edonkey', 'soulseek'], 'edonkey-hello'),
    flow('198.51.100.10:4', ['ares']),
  ];
  const own = (f: ClassifiedFlow) => (f.b.endsWith(':4') ? undefined : 'edonkey');
  assert.deepEqual(foreignLabels(flows, own), [
    'tcp 192.0.2.10:40000 → 198.51.100.10:3 (3 packets, 300 bytes) is edonkey, labelled [soulseek] via edonkey-hello',
  ]);
});

test('foreignLabels: traffic of no network must carry no label at all', () => {
  assert.deepEqual(
    foreignLabels([flow('198.51.100.10:443', ['bittorrent'])], () => null),
    [
      'tcp 192.0.2.10:40000 → 198.51.100.10:443 (3 packets, 300 bytes) is no P2P network, labelled [bittorrent]',
    ],
  );
  assert.deepEqual(
    foreignLabels([flow('198.51.100.10:443', [])], () => null),
    [],
  );
});
