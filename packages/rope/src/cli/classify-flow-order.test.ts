// `rope classify` and time: flows are written as they end (idle timeouts, ended connections),
// the rest by first packet; --max-flows writes out the least recently used flow to make room; a
// table of more than 10,000 flows streams. Captures with packet times, run in-process.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { buildTcpPacket, buildUdpPacket, TCP_SYN } from '@p2pwall/core';
import { PcapWriter } from '@p2pwall/core/pcap';
import { rope } from './testing.js';

const tmp = mkdtempSync(join(tmpdir(), 'rope-classify-order-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

const S4 = '198.51.100.20';
/** A capture of `packets`, each at its second after 1,700,000,000. */
const at = (name: string, packets: [Uint8Array, number][]): string => {
  const path = join(tmp, name);
  const w = new PcapWriter(path);
  for (const [p, t] of packets) w.write(p, 1_700_000_000 + t);
  w.close();
  return path;
};
const dns = (n: number, payload = 'q') =>
  buildUdpPacket({ src: `192.0.2.${n}`, dst: S4, srcPort: 5000, dstPort: 53, payload });
const initiators = (stdout: string) =>
  stdout
    .trim()
    .split('\n')
    .map((l) => (JSON.parse(l) as { a: string; packets: number }).a.replace(/:\d+$/, ''));

test('flows are written as they end, the rest by first packet; a tuple seen after its flow ended is a new flow', async () => {
  const ends = at('ends.pcap', [
    [dns(1), 0],
    [dns(2), 1],
    [buildTcpPacket({ src: '192.0.2.3', dst: S4, srcPort: 40000, dstPort: 80, flags: TCP_SYN }), 2],
    [buildTcpPacket({ src: S4, dst: '192.0.2.3', srcPort: 80, dstPort: 40000, flags: 0x04 }), 2],
    [dns(4), 10],
    // at 300: 1 and 2 have been idle past the UDP timeout (180 s), the reset connection past
    // the ended-connection timeout (120 s); 4 was seen at 10, and goes too
    [dns(5), 300],
    [dns(1), 301],
    [dns(6), 302],
  ]);
  const r = await rope('classify', '--json', ends);
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { a: string; l4: string; packets: number });
  // expired at 300, in the order the table lets them go (UDP oldest first, then the ended TCP)
  assert.deepEqual(
    lines.map((f) => `${f.l4} ${f.a.replace(/:\d+$/, '')} ${f.packets}`),
    [
      'udp 192.0.2.1 1',
      'udp 192.0.2.2 1',
      'udp 192.0.2.4 1',
      'tcp 192.0.2.3 2',
      // open at the end of the capture, by first packet: 192.0.2.1 again is a flow of its own
      'udp 192.0.2.5 1',
      'udp 192.0.2.1 1',
      'udp 192.0.2.6 1',
    ],
  );
});

test('--max-flows: the least recently used flow is written out to make room', async () => {
  const few = at('few.pcap', [
    [dns(1), 0],
    [dns(2), 1],
    [dns(1), 2],
    [dns(3), 3], // evicts 2, the least recently used
  ]);
  const r = await rope('classify', '--json', '--max-flows', '2', few);
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(initiators(r.stdout), ['192.0.2.2', '192.0.2.1', '192.0.2.3']);
  const all = await rope('classify', '--json', few);
  assert.deepEqual(initiators(all.stdout), ['192.0.2.1', '192.0.2.2', '192.0.2.3']);
  const bad = await rope('classify', '--max-flows', '0', few);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--max-flows: '0' is not a whole number in 1\.\.16777216/);
});

test('the table of a capture with more than 10,000 flows streams once its columns are sized', async () => {
  const packets: [Uint8Array, number][] = [];
  for (let i = 0; i < 10_050; i++)
    packets.push([
      buildUdpPacket({
        src: `198.18.${i >> 8}.${i & 0xff}`,
        dst: S4,
        srcPort: 7000,
        dstPort: 53,
        payload: 'q',
      }),
      0,
    ]);
  const many = at('many.pcap', packets);
  const one = at('one.pcap', [[dns(1), 0]]);
  const r = await rope('classify', many, one);
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.split('\n');
  assert.equal(lines[0], 'many.pcap: more than 10000 flows, as they end');
  assert.match(lines[1], /^ {2}l4 {3}initiator \(a\) {10}responder \(b\) +packets/);
  assert.equal(lines.filter((l) => /^ {2}udp {2}198\.18\./.test(l)).length, 10_050);
  assert.match(lines[2], /^ {2}udp {2}198\.18\.0\.0:7000 {8}198\.51\.100\.20:53 +1 +29 {2}-$/);
  assert.ok(lines.includes('one.pcap: 1 flow'));
  assert.match(r.stdout, /\n2 captures, 10051 IP packets, 10051 flows \(TCP 0, UDP 10051\)/);
});
