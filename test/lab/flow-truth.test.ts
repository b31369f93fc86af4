// The ground truth of the hidden-BitTorrent lab tests, checked without privileges on the sample
// captures bundled with rope (recorded in the lab): which flows a capture opens, and how flows are
// judged against the endpoints a test launched.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import type { SwarmEndpoint } from '../../tools/lab/traffic/libtorrent.js';
import { repoRoot } from '../support/environment.js';
import {
  judge,
  keyOf,
  openingsSeen,
  responderPayloads,
  type ClassifiedFlow,
} from './flow-truth.js';

const sample = (name: string) => join(repoRoot, 'packages', 'rope', 'samples', name);
const TRACKER = sample('bittorrent-tracker.pcap');
const UTP = sample('bittorrent-utp.pcap');

/** The flows of bittorrent-tracker.pcap as `rope classify --json` reports them. */
const trackerFlows: ClassifiedFlow[] = [
  { l4: 'udp', a: '192.0.2.10:20003', b: '198.51.100.10:20001', labels: ['bittorrent'] },
  { l4: 'tcp', a: '192.0.2.10:37062', b: '198.51.100.10:6969', labels: ['bittorrent'] },
  { l4: 'tcp', a: '192.0.2.10:45464', b: '198.51.100.10:20001', labels: [] },
  { l4: 'tcp', a: '192.0.2.10:56460', b: '198.51.100.10:6969', labels: ['bittorrent'] },
].map((f) => ({ ...f, l4: f.l4 as 'tcp' | 'udp', packets: 1, bytes: 1 }));

const at = (l4: 'tcp' | 'udp', address: string, port: number, role: string): SwarmEndpoint => ({
  l4,
  address,
  port,
  role,
});
const swarm = [
  at('tcp', '198.51.100.10', 6969, 'tracker'),
  at('tcp', '198.51.100.10', 20001, 'seeder'),
  at('udp', '198.51.100.10', 20001, 'seeder'),
  at('udp', '192.0.2.10', 20003, 'leecher dht'),
];

test('openingsSeen: TCP SYNs and uTP ST_SYNs, not DHT datagrams', () => {
  assert.deepEqual(
    [...openingsSeen(TRACKER)].sort(),
    [
      'tcp 192.0.2.10:37062 198.51.100.10:6969',
      'tcp 192.0.2.10:45464 198.51.100.10:20001',
      'tcp 192.0.2.10:56460 198.51.100.10:6969',
    ],
    'the UDP flow there carries DHT only',
  );
  const utp = openingsSeen(UTP);
  for (const key of [
    'udp 192.0.2.10:20002 198.51.100.10:20001',
    'udp [2001:db8:1::10]:20002 [2001:db8:2::10]:20001',
  ])
    assert.ok(utp.has(key), key);
  // a flow's key does not depend on which end classify calls a
  const v6 = { l4: 'udp', a: '[2001:db8:2::10]:20001', b: '[2001:db8:1::10]:20002' } as const;
  assert.ok(utp.has(keyOf({ ...v6, labels: [], packets: 1, bytes: 1 })));
});

test('responderPayloads: payload packets of the called side per opened TCP flow', () => {
  // as tshark counts them (tcp.len > 0 from the port that was called)
  assert.deepEqual([...responderPayloads(TRACKER)].sort(), [
    ['tcp 192.0.2.10:37062 198.51.100.10:6969', 1],
    ['tcp 192.0.2.10:45464 198.51.100.10:20001', 20],
    ['tcp 192.0.2.10:56460 198.51.100.10:6969', 1],
  ]);
  assert.equal(
    responderPayloads(UTP).size,
    [...openingsSeen(UTP)].filter((k) => k.startsWith('tcp')).length,
  );
});

test('judge: a missed swarm flow, roles of both ends, nothing else wrong', () => {
  const v = judge(TRACKER, trackerFlows, swarm, []);
  assert.deepEqual(v.wrong, [
    'missed (seeder): tcp 192.0.2.10:45464 → 198.51.100.10:20001 (1 packets, 1 bytes; labels [])',
  ]);
  assert.deepEqual(
    v.rows.map((r) => [r.flow.l4, r.expected, r.roles.join(' ↔ ')]),
    [
      ['udp', 'bittorrent', 'leecher dht ↔ seeder'],
      ['tcp', 'bittorrent', 'tracker'],
      ['tcp', 'bittorrent', 'seeder'],
      ['tcp', 'bittorrent', 'tracker'],
    ],
  );
  assert.equal(v.empty, 0);
});

test('judge: false positives, unknown flows, flows without payload', () => {
  const negatives = [at('tcp', '198.51.100.10', 6969, 'https')];
  const bt = swarm.filter((e) => e.role !== 'tracker');
  const phantom: ClassifiedFlow = {
    l4: 'tcp',
    a: '192.0.2.10:1',
    b: '198.51.100.10:2',
    labels: ['bittorrent'],
    packets: 2,
    bytes: 100,
  };
  const v = judge(TRACKER, [...trackerFlows, phantom], bt, negatives);
  assert.deepEqual(
    v.wrong.map((w) => w.slice(0, w.indexOf(':'))),
    [
      'false positive (https)',
      'missed (seeder)',
      'false positive (https)',
      'labelled, yet without payload',
    ],
  );
  assert.equal(v.empty, 1);
  // an endpoint of both kinds, or of neither, is a flow the test cannot judge
  const unknown = judge(TRACKER, trackerFlows, [], []);
  assert.equal(unknown.rows.length, 0);
  assert.ok(unknown.wrong.every((w) => w.startsWith('unknown flow')));
  assert.equal(unknown.wrong.length, 4);
});

test('judge with --script p2p: another network’s label on a swarm or negative flow is wrong', () => {
  const negatives = [at('tcp', '198.51.100.10', 6969, 'https')];
  const bt = swarm.filter((e) => e.role !== 'tracker');
  const p2p = trackerFlows.map((f, i) => ({
    ...f,
    labels: [['bittorrent'], ['edonkey'], ['bittorrent', 'directconnect'], ['bittorrent']][i],
  }));
  const v = judge(TRACKER, trackerFlows.slice(0, 1), bt, negatives, p2p);
  assert.deepEqual(
    v.wrong.filter((w) => w.includes('--script p2p')),
    [
      'false positive with --script p2p: tcp 192.0.2.10:37062 → 198.51.100.10:6969 (1 packets, 1 bytes) is no P2P network, labelled [edonkey]',
      'false positive with --script p2p: tcp 192.0.2.10:45464 → 198.51.100.10:20001 (1 packets, 1 bytes) is bittorrent, labelled [directconnect]',
      'false positive with --script p2p: tcp 192.0.2.10:56460 → 198.51.100.10:6969 (1 packets, 1 bytes) is no P2P network, labelled [bittorrent]',
    ],
  );
  // a flow of nobody the test knows is left to the default scripts' verdict
  assert.deepEqual(judge(TRACKER, [], [], [], p2p).wrong, []);
});
