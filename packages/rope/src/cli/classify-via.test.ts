// `rope classify` says why each flow got its label: `via` in --json (the signature a built-in
// script names, or `learned:` and what taught the table key), --explain for people, and a flow
// past its window labelled once a table learns its endpoint — on captures written here.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { buildTcpPacket, buildUdpPacket, TCP_ACK, TCP_PSH } from '@p2pwall/core';
import { rope, writeCapture } from './testing.js';

const tmp = mkdtempSync(join(tmpdir(), 'rope-classify-via-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** A capture in the test's directory, packets one second apart. */
const capture = (name: string, packets: Uint8Array[]) => writeCapture(join(tmp, name), packets);

const C = '192.0.2.10';
const S = '198.51.100.20';
const seq = new Map<string, number>();
/** A TCP data packet of a connection without its handshake (as a capture started mid-flow). */
function tcp(src: string, dst: string, sp: number, dp: number, payload: string): Uint8Array {
  const k = `${src}:${sp}>${dst}:${dp}`;
  const at = seq.get(k) ?? 1000;
  seq.set(k, at + payload.length);
  return buildTcpPacket({
    src,
    dst,
    srcPort: sp,
    dstPort: dp,
    flags: TCP_ACK | TCP_PSH,
    seq: at,
    ack: 1,
    payload,
  });
}

// learns the endpoint a UDP "ANNOUNCE" goes to; a flow to a learned endpoint is labelled, also
// one past its window (a late run: `$past_window`)
const LEARN = `table( "peers" 1024 3600 )
$past_window {
  dst_endpoint_key "peers" table_has yes
  src_endpoint_key "peers" table_has yes
  no
} if
$ip_protocol IPPROTO_UDP eq  $data "ANNOUNCE" eq  and {
  "announce" via  dst_endpoint_key "peers" table_add  yes
} if
dst_endpoint_key "peers" table_has yes
`;
const learnScript = join(tmp, 'learn.rope');
writeFileSync(learnScript, LEARN);

const learned = capture('learned.pcap', [
  // a connection that passes its window (2 payload packets each way) before anything is known
  tcp(C, S, 40020, 6881, 'noise 1'),
  tcp(S, C, 6881, 40020, 'noise 2'),
  tcp(C, S, 40020, 6881, 'noise 3'),
  tcp(S, C, 6881, 40020, 'noise 4'),
  tcp(C, S, 40020, 6881, 'noise 5'),
  // the announce teaches 198.51.100.20:6881
  buildUdpPacket({ src: C, dst: S, srcPort: 6881, dstPort: 6881, payload: 'ANNOUNCE' }),
  // the connection's next packet, and a new connection
  tcp(S, C, 6881, 40020, 'noise 6'),
  tcp(C, S, 40021, 6881, 'hello'),
  // unrelated: never labelled
  tcp(C, '203.0.113.5', 40022, 443, 'tls'),
]);

const TAUGHT = 'learned:announce 192.0.2.10:6881>198.51.100.20:6881';

test('--json: via names the signature, or the table key and what taught it', async () => {
  const r = await rope('classify', '--script', learnScript, '--window', '2', '--json', learned);
  assert.equal(r.status, 0, r.stderr);
  const flows = r.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { a: string; labels: string[]; via: string | null });
  assert.deepEqual(
    flows.map((f) => [f.a, f.labels.join(','), f.via]),
    [
      ['192.0.2.10:40020', 'learn', TAUGHT],
      ['192.0.2.10:6881', 'learn', 'announce'],
      ['192.0.2.10:40021', 'learn', TAUGHT],
      ['192.0.2.10:40022', '', null],
    ],
  );
});

test('a flow past its window is labelled from its next packet once its endpoint is learned', async () => {
  const r = await rope('classify', '--script', learnScript, '--window', '2', learned);
  assert.equal(r.status, 0, r.stderr);
  // its 6th packet: the first after the announce
  assert.match(
    r.stdout,
    /^ {2}tcp {2}192\.0\.2\.10:40020 +198\.51\.100\.20:6881 +6 .* learn \(6\)$/m,
  );
});

test('--explain: one line per label, with via and what taught a learned key', async () => {
  const r = await rope('classify', '--script', learnScript, '--window', '2', '--explain', learned);
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.split('\n');
  assert.deepEqual(lines.slice(0, 3), [
    '  tcp  192.0.2.10:40020 > 198.51.100.20:6881  learn at packet 6, via learned:announce, taught by 192.0.2.10:6881 > 198.51.100.20:6881',
    '  udp  192.0.2.10:6881 > 198.51.100.20:6881  learn at packet 1, via announce',
    '  tcp  192.0.2.10:40021 > 198.51.100.20:6881  learn at packet 1, via learned:announce, taught by 192.0.2.10:6881 > 198.51.100.20:6881',
  ]);
  // the summary follows as without --explain
  assert.match(r.stdout, /\n1 capture, 9 IP packets, 4 flows \(TCP 3, UDP 1\) in \d+\.\d\d s\n/);
  assert.match(r.stdout, /\n {2}learn +3 flows/);
});

test('--explain with built-in scripts: the signature names, a line per capture when several', async () => {
  const gnutella = capture('gnutella.pcap', [
    tcp(C, S, 40030, 6346, 'GNUTELLA CONNECT/0.6\r\n\r\n'),
    tcp(S, C, 6346, 40030, 'GNUTELLA/0.6 200 OK\r\n\r\n'),
  ]);
  const r = await rope('classify', '--explain', gnutella, learned);
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.split('\n');
  assert.deepEqual(lines.slice(0, 3), [
    'gnutella.pcap:',
    '  tcp  192.0.2.10:40030 > 198.51.100.20:6346  gnutella at packet 1, via gnutella-handshake',
    'learned.pcap:',
  ]);
});

test('--json and --explain together are a usage error', async () => {
  const r = await rope('classify', '--json', '--explain', learned);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--json and --explain/);
});
