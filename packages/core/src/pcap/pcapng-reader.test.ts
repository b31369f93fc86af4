// pcapng read from fixed bytes (tcpdump's reading next to them), then interfaces, sections,
// resolutions, and every way a pcapng file can stop early.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildTcpPacket, buildUdpPacket } from '../wire/build.js';
import { captureFromBuffer } from './open-capture.js';
import { CaptureError } from './capture-error.js';
import type { CaptureReader } from './capture-reader.js';
import { encodePcapng, type PcapngSectionSpec } from './pcapng-encode.js';
import { PcapngReader } from './pcapng-reader.js';

const fromHex = (s: string): Uint8Array =>
  Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));

interface Fields {
  index: number;
  frame: string;
  length: number;
  originalLength: number;
  tsSec: number;
  tsNsec: number;
  linkType: number;
  interfaceId: number;
  fileOffset: number;
}

function readAll(r: CaptureReader): Fields[] {
  const out: Fields[] = [];
  for (let rec = r.next(); rec; rec = r.next()) {
    out.push({
      index: rec.index,
      frame: Buffer.from(rec.buf.subarray(rec.offset, rec.offset + rec.length)).toString('hex'),
      length: rec.length,
      originalLength: rec.originalLength,
      tsSec: rec.tsSec,
      tsNsec: rec.tsNsec,
      linkType: rec.linkType,
      interfaceId: rec.interfaceId,
      fileOffset: rec.fileOffset,
    });
  }
  return out;
}

const read = (bytes: Uint8Array) => readAll(captureFromBuffer('t.pcapng', bytes));

/** The error reading `bytes` ends in, and how many records came before it. */
function failure(bytes: Uint8Array): { error: CaptureError; before: number } {
  let before = 0;
  try {
    const r = captureFromBuffer('t.pcapng', bytes);
    while (r.next()) before++;
  } catch (e) {
    assert.ok(e instanceof CaptureError, `expected CaptureError, got ${e}`);
    return { error: e, before };
  }
  assert.fail('expected the reader to throw');
}

// SHB, IDB (raw IP, if_tsresol 9), EPB. Little-endian.
// $ tcpdump -nn -tt --time-stamp-precision=nano -r c.pcapng
// reading from file c.pcapng, link-type RAW (Raw IP), snapshot length 262144
// 1700000002.987654321 IP 203.0.113.5.51000 > 198.51.100.7.443: Flags [S], seq 1000, win 64240, length 0
const LE_EPB = fromHex(`
  0a 0d 0d 0a 1c 00 00 00 4d 3c 2b 1a 01 00 00 00
  ff ff ff ff ff ff ff ff 1c 00 00 00 01 00 00 00
  20 00 00 00 65 00 00 00 00 00 00 00 09 00 01 00
  09 00 00 00 00 00 00 00 20 00 00 00 06 00 00 00
  48 00 00 00 00 00 00 00 fe 9c 97 17 b1 fc 3d e8
  28 00 00 00 28 00 00 00 45 00 00 28 00 00 40 00
  40 06 d4 8f cb 00 71 05 c6 33 64 07 c7 38 01 bb
  00 00 03 e8 00 00 00 00 50 02 fa f0 81 d5 00 00
  48 00 00 00`);
const SYN =
  '450000280000400040' + '06d48fcb007105c6336407c73801bb000003e80000000050' + '02faf081d50000';

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

const udp4 = buildUdpPacket({
  src: '192.0.2.1',
  dst: '198.51.100.2',
  srcPort: 40000,
  dstPort: 7,
  payload: 'abcd',
});
const eth = new Uint8Array(14 + udp4.length);
eth.set([2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x08, 0x00]);
eth.set(udp4, 14);
const syn6 = buildTcpPacket({
  src: '2001:db8::5',
  dst: '2001:db8::7',
  srcPort: 51000,
  dstPort: 443,
  flags: 0x02,
  seq: 1000,
});

// tshark reads the same file as:
//   1  interface 1  1700000000.500000000  raw:ipv6:tcp          2001:db8::5
//   2  interface 0  1700000000.600000001  eth:ethertype:ip:udp  192.0.2.1
//   3  interface 2  1700000001.007000000  raw:ip:udp            192.0.2.1
function twoSections(firstBigEndian: boolean): PcapngSectionSpec[] {
  return [
    {
      bigEndian: firstBigEndian,
      blocks: [
        { type: 'idb', linkType: 1, snaplen: 0, tsresol: 9 },
        { type: 'idb', linkType: 101, snaplen: 65535, tsresol: 0x80 | 20, tsOffset: 100 },
        { type: 'epb', interfaceId: 1, data: syn6, tsSec: 1700000000, tsNsec: 500000000 },
        { type: 'raw', blockType: 5, body: new Uint8Array(20) }, // interface statistics: skipped
        { type: 'epb', interfaceId: 0, data: eth, tsSec: 1700000000, tsNsec: 600000001 },
      ],
    },
    {
      bigEndian: !firstBigEndian,
      blocks: [
        { type: 'idb', linkType: 101, tsresol: 3 },
        { type: 'epb', interfaceId: 0, data: udp4, tsSec: 1700000001, tsNsec: 7000000 },
      ],
    },
  ];
}

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

function patched(base: Uint8Array, at: number, bytes: number[]): Uint8Array {
  const b = Uint8Array.from(base);
  b.set(bytes, at);
  return b;
}

test('block length not a multiple of 4', () => {
  const { error, before } = failure(patched(LE_EPB, 64, [0x4a]));
  assert.equal(before, 0);
  assert.equal(
    error.message,
    't.pcapng: record 1 at byte 60: enhanced packet block has length 74, not a multiple of 4',
  );
});

test('block length below 12 cannot make the reader spin', () => {
  const { error } = failure(patched(LE_EPB, 64, [0x00]));
  assert.equal(
    error.reason,
    'enhanced packet block has length 0, below the 12-byte minimum of any block',
  );
});

test('trailing length differs from the leading one', () => {
  const { error } = failure(patched(LE_EPB, LE_EPB.length - 4, [0x4c]));
  assert.equal(
    error.message,
    't.pcapng: record 1 at byte 60: enhanced packet block starts with length 72 but ends with length 76: the block is corrupt',
  );
  const skipped = encodePcapng([
    { blocks: [{ type: 'raw', blockType: 0x0bad, body: new Uint8Array(8) }] },
  ]);
  skipped[skipped.length - 4] = 0;
  assert.equal(
    failure(skipped).error.reason,
    'block of type 0x00000bad starts with length 20 but ends with length 0: the block is corrupt',
  );
});

test('EPB referring to an interface the section has not described', () => {
  const { error } = failure(patched(LE_EPB, 68, [0x02]));
  assert.equal(
    error.message,
    't.pcapng: record 1 at byte 60: enhanced packet block refers to interface 2, but the section has described only interfaces 0…0',
  );
  const none = encodePcapng([{ blocks: [{ type: 'epb', interfaceId: 0, data: udp4 }] }]);
  assert.match(
    failure(none).error.reason,
    /refers to interface 0, but the section has described no interface/,
  );
  const spb = encodePcapng([{ blocks: [{ type: 'spb', data: udp4 }] }]);
  assert.equal(
    failure(spb).error.reason,
    'simple packet block, but the section has described no interface',
  );
});

test('interfaces do not carry over into the next section', () => {
  const bytes = encodePcapng([
    {
      blocks: [
        { type: 'idb', linkType: 101 },
        { type: 'epb', interfaceId: 0, data: udp4 },
      ],
    },
    { blocks: [{ type: 'epb', interfaceId: 0, data: udp4 }] },
  ]);
  const { error, before } = failure(bytes);
  assert.equal(before, 1);
  assert.equal(error.record, 2);
  assert.match(error.reason, /described no interface/);
});

test('captured length that overruns its block', () => {
  const { error } = failure(patched(LE_EPB, 80, [0x29]));
  assert.equal(
    error.reason,
    'enhanced packet block claims 41 captured bytes but the 72-byte block has room for 40',
  );
});

test('a block cut short at the end of the file (capture killed while writing)', () => {
  const two = new Uint8Array(LE_EPB.length + 72 - 10);
  two.set(LE_EPB);
  two.set(LE_EPB.subarray(60, 60 + 62), LE_EPB.length);
  const { error, before } = failure(two);
  assert.equal(before, 1);
  assert.equal(error.kind, 'cut-short');
  assert.equal(
    error.message,
    't.pcapng: record 2 at byte 132: enhanced packet block claims 72 bytes but the file ends 62 bytes into it: the capture was cut short (e.g. the capturing program was killed while writing) or the length is corrupt; all earlier records are intact',
  );
  assert.match(
    failure(LE_EPB.subarray(0, LE_EPB.length - 70)).error.reason,
    /^file ends 2 bytes into a block header/,
  );
});

test('a huge length in a block that must be loaded is corrupt; in a skipped block it runs into the end', () => {
  assert.equal(
    failure(patched(LE_EPB, 64, [0x00, 0x00, 0x00, 0x10])).error.reason,
    'enhanced packet block claims 268435456 bytes, above the 16777216-byte limit: its length is corrupt',
  );
  const skipped = encodePcapng([
    { blocks: [{ type: 'raw', blockType: 5, body: new Uint8Array(8) }] },
  ]);
  skipped.set([0, 0, 0, 0x10], 32);
  const { error } = failure(skipped);
  assert.equal(error.kind, 'cut-short');
  assert.equal(error.byteOffset, 28);
  assert.match(
    error.reason,
    /^interface statistics block claims 268435456 bytes but the file ends before its end/,
  );
});

test('section header problems: byte-order magic, version, length', () => {
  assert.equal(
    failure(patched(LE_EPB, 8, [1, 2, 3, 4])).error.message,
    't.pcapng: record 0 at byte 0: section header byte-order magic is 0x01020304, neither 1a2b3c4d nor 4d3c2b1a: not a pcapng section',
  );
  const v2 = failure(patched(LE_EPB, 12, [2]));
  assert.equal(v2.error.kind, 'unsupported');
  assert.equal(v2.error.reason, 'pcapng version 2.0 is not supported (only 1.x)');
  assert.equal(
    failure(patched(LE_EPB, 4, [0x18])).error.reason,
    'section header block of 24 bytes is shorter than its 28-byte minimum',
  );
  assert.match(
    failure(LE_EPB.subarray(0, 10)).error.reason,
    /section header block needs at least 28 bytes, the file has 10 left/,
  );
});

test('a second section header that is corrupt names the next record number', () => {
  const bytes = encodePcapng(twoSections(false));
  const second = bytes.findIndex(
    (_, i) =>
      i > 0 &&
      bytes[i] === 0x0a &&
      bytes[i + 1] === 0x0d &&
      bytes[i + 2] === 0x0d &&
      bytes[i + 3] === 0x0a,
  );
  bytes[second + 8] = 0;
  const { error, before } = failure(bytes);
  assert.equal(before, 2);
  assert.equal(error.record, 3);
  assert.equal(error.byteOffset, second);
});

test('IDB option running past the block, and an unsupported resolution', () => {
  // the if_tsresol option of LE_EPB sits at 44: code 9, length 1
  assert.equal(
    failure(patched(LE_EPB, 46, [0x09])).error.reason,
    'interface description block option 9 of 9 bytes runs past the end of the block',
  );
  const fine = failure(patched(LE_EPB, 48, [20]));
  assert.equal(fine.error.kind, 'unsupported');
  assert.equal(fine.error.reason, 'interface 0: timestamp resolution 10^-20 s is not supported');
  assert.equal(fine.error.byteOffset, 28);
});

test('packet blocks shorter than their fixed fields', () => {
  const short = encodePcapng([
    {
      blocks: [
        { type: 'idb', linkType: 101 },
        { type: 'raw', blockType: 6, body: new Uint8Array(16) },
      ],
    },
  ]);
  assert.equal(
    failure(short).error.reason,
    'enhanced packet block of 28 bytes is shorter than its 32-byte minimum',
  );
  const spb = encodePcapng([
    {
      blocks: [
        { type: 'idb', linkType: 101 },
        { type: 'raw', blockType: 3, body: new Uint8Array(0) },
      ],
    },
  ]);
  assert.equal(
    failure(spb).error.reason,
    'simple packet block of 12 bytes is shorter than its 16-byte minimum',
  );
  const idb = encodePcapng([{ blocks: [{ type: 'raw', blockType: 1, body: new Uint8Array(4) }] }]);
  assert.equal(
    failure(idb).error.reason,
    'interface description block of 16 bytes is shorter than its 20-byte minimum',
  );
});
