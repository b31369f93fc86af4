import assert from 'node:assert/strict';
import { test } from 'node:test';
import { alignTable, formatCount, formatDuration, formatList, formatStats } from './format.js';

test('durations', () => {
  assert.equal(formatDuration(0), '0s');
  assert.equal(formatDuration(0.2), '1s');
  assert.equal(formatDuration(59), '59s');
  assert.equal(formatDuration(60), '1m00s');
  assert.equal(formatDuration(299), '4m59s');
  assert.equal(formatDuration(3600), '1h00m');
  assert.equal(formatDuration(7380), '2h03m');
  assert.equal(formatDuration(86400 * 3 + 3600 * 4), '3d04h');
});

test('counts', () => {
  assert.deepEqual([0, 999, 1000, 1234567, 3e9].map(formatCount), [
    '0',
    '999',
    '1.0k',
    '1.2M',
    '3.0G',
  ]);
});

test('tables align their columns', () => {
  assert.deepEqual(
    alignTable(
      [
        ['A', 'NUM'],
        ['long', '5'],
      ],
      [1],
    ),
    ['A     NUM', 'long    5'],
  );
});

test('the list as text', () => {
  assert.equal(
    formatList({ entries: [], dnsNames: [], passAll: false }),
    'no locked clients, no blocked peers\n',
  );
  assert.equal(
    formatList({
      entries: [
        { kind: 'lock', address: '192.0.2.10', port: null, label: 'bittorrent', secondsLeft: 299 },
        { kind: 'block', address: '2001:db8::7', port: 6881, label: 'manual', secondsLeft: null },
      ],
      dnsNames: ['*.example.com'],
      passAll: true,
    }),
    [
      'pass-all is ON: every packet is accepted and nothing new is locked or blocked',
      'KIND   ADDRESS             LABEL       LEFT',
      'lock   192.0.2.10          bittorrent  4m59s',
      'block  [2001:db8::7]:6881  manual      until removed',
      'banned DNS names: *.example.com',
      '',
    ].join('\n'),
  );
});

test('stats as text', () => {
  const text = formatStats({
    uptime: 125,
    totals: { packets: 1000, bytes: 50000, flows: 40, accepted: 990, dropped: 10 },
    labels: [{ label: 'bittorrent', packets: 300, bytes: 20000, flows: 4 }],
    hosts: [{ address: '192.0.2.10', p2pFlows: 4, labels: ['bittorrent'] }],
    passAll: false,
    locked: 1,
    blocked: 0,
    dnsNames: 1,
  });
  assert.equal(
    text,
    [
      'up 2m05s: 1000 packets, 40 flows; accepted 990, dropped 10',
      '1 locked, 0 blocked, 1 banned DNS name; pass-all off',
      '',
      'LABEL       FLOWS  PACKETS  BYTES',
      'bittorrent      4      300  20000',
      '',
      'HOST        P2P FLOWS  LABELS',
      '192.0.2.10          4  bittorrent',
      '',
    ].join('\n'),
  );
});
