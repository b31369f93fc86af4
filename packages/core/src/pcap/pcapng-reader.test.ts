// pcapng read from fixed bytes (tcpdump's reading next to them), then interfaces, sections and
// resolutions. Every way a pcapng file can be broken or stop early: pcapng-reader-corrupt.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodePcapng } from './pcapng-encode.js';
import { PcapngReader } from './pcapng-reader.js';
import { captureFromBuffer } from './open-capture.js';
import { fromHex, readAll } from './record-fields.test.js';
import { eth, LE_EPB, read, SYN, syn6, twoSections, udp4 } from './pcapng-samples.test.js';

test('little-endian pcapng: SHB, IDB with if_tsresol 10^-9, EPB', () => {
  const r = captureFromBuffer('c.pcapng', LE_EPB) as PcapngReader;
  assert.equal(r.format, 'pcapng');
  assert.equal(r.bigEndian, false);
  assert.deepEqual(readAll(r), [
    {
      index: 1,
      frame: SYN,
      length: 40,
      originalLength: 40,
      tsSec: 1700000002,
      tsNsec: 987654321,
      linkType: 101,
      interfaceId: 0,
      fileOffset: 60,
    },
  ]);
  assert.equal(r.interfaces.length, 1);
  assert.equal(r.sections, 1);
});

// SHB, IDB (raw IP, default resolution 10^-6), SPB, obsolete Packet Block. Big-endian.
// $ tcpdump -nn -tt -r d.pcapng
// reading from file d.pcapng, link-type RAW (Raw IP), snapshot length 262144
// 0.000000 ip: 192.0.2.1.40000 > 198.51.100.2.7: UDP, length 4
// 1700000003.250000 ip: 203.0.113.5.51000 > 198.51.100.7.443: Flags [S], seq 1000, win 64240, length 0
const BE_SPB_PB = fromHex(`
  0a 0d 0d 0a 00 00 00 1c 1a 2b 3c 4d 00 01 00 00
  ff ff ff ff ff ff ff ff 00 00 00 1c 00 00 00 01
  00 00 00 14 00 65 00 00 00 00 00 00 00 00 00 14
  00 00 00 03 00 00 00 30 00 00 00 20 45 00 00 20
  12 34 40 00 40 11 3c 62 c0 00 02 01 c6 33 64 02
  9c 40 00 07 00 0c b2 90 61 62 63 64 00 00 00 30
  00 00 00 02 00 00 00 48 00 00 00 00 00 06 0a 24
  18 4f d7 50 00 00 00 28 00 00 00 28 45 00 00 28
  00 00 40 00 40 06 d4 8f cb 00 71 05 c6 33 64 07
  c7 38 01 bb 00 00 03 e8 00 00 00 00 50 02 fa f0
  81 d5 00 00 00 00 00 48`);

test('big-endian pcapng: Simple Packet Block (no timestamp) and obsolete Packet Block', () => {
  const r = captureFromBuffer('d.pcapng', BE_SPB_PB) as PcapngReader;
  assert.equal(r.bigEndian, true);
  assert.deepEqual(readAll(r), [
    {
      index: 1,
      frame: '45000020123440004011' + '3c62c0000201c63364029c400007000cb29061626364',
      length: 32,
      originalLength: 32,
      tsSec: 0,
      tsNsec: 0,
      linkType: 101,
      interfaceId: 0,
      fileOffset: 48,
    },
    {
      index: 2,
      frame: SYN,
      length: 40,
      originalLength: 40,
      tsSec: 1700000003,
      tsNsec: 250000000,
      linkType: 101,
      interfaceId: 0,
      fileOffset: 96,
    },
  ]);
});

test('two interfaces of different link types and resolutions (10^-9; 2^-20 with if_tsoffset), two sections', () => {
  const bytes = encodePcapng(twoSections(false));
  const r = captureFromBuffer('multi.pcapng', bytes) as PcapngReader;
  const recs = readAll(r);
  assert.deepEqual(
    recs.map((x) => [x.index, x.interfaceId, x.linkType, x.tsSec, x.tsNsec, x.frame.length / 2]),
    [
      [1, 1, 101, 1700000000, 500000000, syn6.length],
      [2, 0, 1, 1700000000, 600000001, eth.length],
      [3, 2, 101, 1700000001, 7000000, udp4.length],
    ],
  );
  assert.equal(r.sections, 2);
  assert.equal(r.bigEndian, true);
  assert.equal(r.interfaces.length, 1);
});

test('sections in either byte order give identical records (blocks have equal sizes, so offsets too)', () => {
  const le = read(encodePcapng(twoSections(false)));
  const be = read(encodePcapng(twoSections(true)));
  assert.equal(le.length, 3);
  assert.deepEqual(be, le);
});

test('EPB options and unknown IDB options are passed over', () => {
  const bytes = encodePcapng([
    {
      blocks: [
        {
          type: 'idb',
          linkType: 101,
          options: [
            { code: 2, value: Buffer.from('eth0') },
            { code: 0x8001, value: new Uint8Array(3) },
          ],
          tsresol: 9,
        },
        {
          type: 'epb',
          interfaceId: 0,
          data: udp4,
          tsSec: 5,
          tsNsec: 6,
          options: [{ code: 1, value: Buffer.from('a comment') }],
        },
      ],
    },
  ]);
  const [rec] = read(bytes);
  assert.equal(rec.frame, Buffer.from(udp4).toString('hex'));
  assert.equal(rec.tsNsec, 6);
});

test('SPB: captured length is the original length cut to the snaplen and the block', () => {
  const bytes = encodePcapng([
    {
      blocks: [
        { type: 'idb', linkType: 101, snaplen: 20 },
        { type: 'spb', data: udp4.subarray(0, 20), originalLength: udp4.length },
      ],
    },
  ]);
  const [rec] = read(bytes);
  assert.equal(rec.length, 20);
  assert.equal(rec.originalLength, 32);
});

test('if_tsoffset may be negative', () => {
  const bytes = encodePcapng([
    {
      blocks: [
        { type: 'idb', linkType: 101, tsOffset: -3600 },
        { type: 'epb', interfaceId: 0, data: udp4, tsSec: 1700000000, tsNsec: 1000 },
      ],
    },
  ]);
  assert.deepEqual(
    read(bytes).map((r) => [r.tsSec, r.tsNsec]),
    [[1700000000, 1000]],
  );
});

// Errors. Offsets: SHB 0…28, IDB 28…60, EPB at 60 (LE_EPB).
