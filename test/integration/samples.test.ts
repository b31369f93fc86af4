// The sample captures bundled with rope (packages/rope/samples, recorded from real clients in the
// lab by tools/record-samples.ts) classify as what they hold. The assertions go by what each
// flow is (a tracker announce, DHT, uTP, a ranged download), not by port numbers a new recording
// would change.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_SCRIPTS, compileBuiltin, type ClassifierRule } from '@p2pwall/rope';
import {
  classifyCapture,
  type FlowReport,
} from '../../packages/rope/src/classify/classify-capture.js';
import { repoRoot } from '../support/environment.js';

const SAMPLES = join(repoRoot, 'packages', 'rope', 'samples');

function rules(pushes: Record<string, number> = {}): ClassifierRule[] {
  return DEFAULT_SCRIPTS.map((name) => ({
    script: compileBuiltin(name),
    pushes: name in pushes ? [pushes[name]] : [],
  }));
}

function flows(name: string, pushes?: Record<string, number>): FlowReport[] {
  const r = classifyCapture(join(SAMPLES, name), rules(pushes));
  assert.equal(r.error, null);
  r.classifier.stats.forEach((s) => assert.equal(s.lastError, null, s.lastError?.toString()));
  return r.flows;
}

const port = (endpoint: string) => Number(endpoint.slice(endpoint.lastIndexOf(':') + 1));
const TRACKER_PORT = 6969;

test('the bundled samples are small pcap files', () => {
  const names = readdirSync(SAMPLES)
    .filter((f) => f.endsWith('.pcap'))
    .sort();
  assert.deepEqual(names, [
    'bittorrent-tracker.pcap',
    'bittorrent-utp.pcap',
    'http-downloads.pcap',
  ]);
  for (const n of names) assert.ok(readFileSync(join(SAMPLES, n)).length < 200_000, n);
});

for (const name of ['bittorrent-tracker.pcap', 'bittorrent-utp.pcap']) {
  test(`${name}: announces, DHT and uTP are BitTorrent; nothing is Gnutella or a large download`, () => {
    const all = flows(name);
    const announces = all.filter((f) => f.l4 === 'tcp' && port(f.b) === TRACKER_PORT);
    const udp = all.filter((f) => f.l4 === 'udp');
    assert.ok(announces.length >= 1, 'a tracker announce');
    assert.ok(udp.length >= 1, 'DHT or uTP');
    for (const f of [...announces, ...udp])
      assert.deepEqual(f.labels, ['bittorrent'], `${f.l4} ${f.a} ${f.b}`);
    // the peer wire over TCP is MSE-encrypted between these clients (nothing in clear to see) or
    // a plain handshake; either way it is never anything else
    for (const f of all)
      assert.ok(
        f.labels.every((l) => l === 'bittorrent'),
        `${f.a} ${f.b}: ${f.labels}`,
      );
  });
}

test('bittorrent-utp.pcap: the uTP transfers over IPv4 and IPv6 are labelled', () => {
  const utp = flows('bittorrent-utp.pcap').filter((f) => f.l4 === 'udp' && f.bytes > 20_000);
  assert.deepEqual(utp.map((f) => f.a.startsWith('[')).sort(), [false, true]);
  for (const f of utp) assert.deepEqual(f.labels, ['bittorrent']);
  // over IPv4 the peers' DHT shares the uTP socket and speaks first; over IPv6 the flow opens
  // with a uTP SYN (30 bytes: the extension bits Transmission's libutp sends), which opens its
  // side of the flow exactly as a SYN must
  const v6 = utp.find((f) => f.a.startsWith('['))!;
  assert.deepEqual(v6.matchedAt, [1]);
});

test('http-downloads.pcap: ranges of an 8 MiB file are large downloads, a 16 KiB file is not', () => {
  const all = flows('http-downloads.pcap');
  assert.equal(all.length, 3);
  assert.deepEqual(
    all.map((f) => f.labels),
    [[], ['http-large'], ['http-large']],
  );
  assert.ok(all[2].a.startsWith('['), 'the third over IPv6');
  // the limit decides: the file has 8,388,608 bytes
  assert.deepEqual(
    flows('http-downloads.pcap', { 'http-large': 8_388_607 }).map((f) => f.labels.length),
    [0, 1, 1],
  );
  assert.deepEqual(
    flows('http-downloads.pcap', { 'http-large': 8_388_608 }).map((f) => f.labels.length),
    [0, 0, 0],
  );
});
