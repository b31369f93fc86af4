import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { onPath } from '../../../../test/support/environment.js';
import { buildTcpPacket, buildUdpPacket } from '../wire/build.js';
import { captureFromBuffer, openCapture } from './open-capture.js';
import type { CaptureReader } from './capture-reader.js';
import { encodePcap, PcapWriter, type PcapRecordInput } from './pcap-writer.js';
import { LINKTYPE_ETHERNET, LINKTYPE_RAW } from './link-type.js';
import { withTempDir } from '../../../../test/support/temp-dir.js';

function records(r: CaptureReader) {
  const out = [];
  for (let rec = r.next(); rec; rec = r.next()) {
    out.push({
      data: Uint8Array.from(rec.buf.subarray(rec.offset, rec.offset + rec.length)),
      originalLength: rec.originalLength,
      tsSec: rec.tsSec,
      tsNsec: rec.tsNsec,
      linkType: rec.linkType,
    });
  }
  r.close();
  return out;
}

const u8 = (b: Uint8Array): Uint8Array => Uint8Array.from(b);
const syn = buildTcpPacket({
  src: '192.0.2.10',
  dst: '198.51.100.20',
  srcPort: 40000,
  dstPort: 80,
  flags: 0x02,
});
const dns6 = buildUdpPacket({
  src: '2001:db8::1',
  dst: '2001:db8::53',
  srcPort: 40001,
  dstPort: 9,
  payload: 'q',
});

test('PcapWriter → openCapture: records, microsecond truncation, snaplen, original length', () => {
  withTempDir('p2pwall-pcap-', (dir) => {
    const path = join(dir, 'w.pcap');
    const w = new PcapWriter(path, { snaplen: 48 });
    w.write(syn, 1700000000, 123456789);
    w.write(dns6, 1700000001);
    w.write(syn.subarray(0, 20), 1700000002, 0, syn.length);
    w.close();
    w.close();
    assert.deepEqual(records(openCapture(path)), [
      {
        data: u8(syn),
        originalLength: syn.length,
        tsSec: 1700000000,
        tsNsec: 123456000,
        linkType: LINKTYPE_RAW,
      },
      {
        data: u8(dns6.subarray(0, 48)),
        originalLength: dns6.length,
        tsSec: 1700000001,
        tsNsec: 0,
        linkType: LINKTYPE_RAW,
      },
      {
        data: u8(syn.subarray(0, 20)),
        originalLength: syn.length,
        tsSec: 1700000002,
        tsNsec: 0,
        linkType: LINKTYPE_RAW,
      },
    ]);
    assert.throws(() => w.write(syn, 0), /write after close/);
  });
});

test('PcapWriter: nanoseconds, Ethernet, packets larger than its buffer, many small packets', () => {
  withTempDir('p2pwall-pcap-', (dir) => {
    const path = join(dir, 'big.pcap');
    const w = new PcapWriter(path, { linkType: LINKTYPE_ETHERNET, nanosecond: true });
    const big = new Uint8Array(200_000).map((_, i) => i & 0xff);
    const expected = [];
    for (let i = 0; i < 3000; i++) {
      const data = i % 1000 === 999 ? big : u8(syn.subarray(0, 1 + (i % syn.length)));
      w.write(data, 1000 + i, i);
      expected.push({
        data,
        originalLength: data.length,
        tsSec: 1000 + i,
        tsNsec: i,
        linkType: LINKTYPE_ETHERNET,
      });
    }
    w.close();
    assert.equal(w.count, 3000);
    assert.deepEqual(records(openCapture(path)), expected);
  });
});

test(
  'tcpdump reads what PcapWriter wrote',
  { skip: onPath('tcpdump') ? false : 'needs tcpdump (not found on PATH)' },
  () => {
    withTempDir('p2pwall-pcap-', (dir) => {
      const path = join(dir, 't.pcap');
      const w = new PcapWriter(path);
      w.write(syn, 1700000000, 5000);
      w.write(dns6, 1700000000, 6000);
      w.close();
      const out = spawnSync('tcpdump', ['-nn', '-tt', '-r', path], { encoding: 'utf8' });
      assert.equal(out.status, 0, out.stderr);
      assert.equal(
        out.stdout,
        '1700000000.000005 IP 192.0.2.10.40000 > 198.51.100.20.80: Flags [S], seq 0, win 65535, length 0\n' +
          '1700000000.000006 IP6 2001:db8::1.40001 > 2001:db8::53.9: UDP, length 1\n',
      );
    });
  },
);

test('encodePcap equals what PcapWriter writes', () => {
  withTempDir('p2pwall-pcap-', (dir) => {
    const path = join(dir, 'same.pcap');
    const w = new PcapWriter(path, { linkType: 228 });
    w.write(syn, 7, 8000);
    w.close();
    assert.deepEqual(
      new Uint8Array(readFileSync(path)),
      encodePcap([{ data: syn, tsSec: 7, tsNsec: 8000 }], 228),
    );
  });
});

test('bad timestamps, lengths and options are refused before anything is written', () => {
  assert.throws(() => encodePcap([{ data: syn, tsSec: -1 }]), /timestamp seconds -1/);
  assert.throws(() => encodePcap([{ data: syn, tsSec: 2 ** 32 }]), /timestamp seconds/);
  assert.throws(() => encodePcap([{ data: syn, tsNsec: 1e9 }]), /timestamp nanoseconds/);
  assert.throws(
    () => encodePcap([{ data: syn, originalLength: 3 }]),
    /original length 3 below the 40 bytes given/,
  );
  assert.throws(() => encodePcap([], 1, { snaplen: 0 }), /snaplen 0/);
  assert.throws(() => encodePcap([], 70000), /link type 70000/);
});

const recordArb = fc.record({
  data: fc.uint8Array({ maxLength: 300 }),
  tsSec: fc.nat({ max: 0xffffffff }),
  tsNsec: fc.nat({ max: 999_999_999 }),
  extra: fc.nat({ max: 100 }),
});

test('round trip: any records, either byte order, micro- or nanoseconds, any snaplen', () => {
  fc.assert(
    fc.property(
      fc.array(recordArb, { maxLength: 20 }),
      fc.boolean(),
      fc.boolean(),
      fc.integer({ min: 1, max: 400 }),
      fc.nat({ max: 300 }),
      (recs, bigEndian, nanosecond, snaplen, linkType) => {
        const input: PcapRecordInput[] = recs.map((r) => ({
          ...r,
          originalLength: r.data.length + r.extra,
        }));
        const bytes = encodePcap(input, linkType, { bigEndian, nanosecond, snaplen });
        const got = records(captureFromBuffer('rt.pcap', bytes));
        assert.deepEqual(
          got,
          input.map((r) => ({
            data: u8(r.data.subarray(0, snaplen)),
            originalLength: r.originalLength,
            tsSec: r.tsSec,
            tsNsec: nanosecond ? r.tsNsec : Math.floor((r.tsNsec ?? 0) / 1000) * 1000,
            linkType,
          })),
        );
      },
    ),
  );
});

test('the same records written in both byte orders read back identically', () => {
  fc.assert(
    fc.property(fc.array(recordArb, { maxLength: 10 }), fc.boolean(), (recs, nanosecond) => {
      const le = records(captureFromBuffer('le', encodePcap(recs, 1, { nanosecond })));
      const be = records(
        captureFromBuffer('be', encodePcap(recs, 1, { nanosecond, bigEndian: true })),
      );
      assert.deepEqual(be, le);
    }),
  );
});
