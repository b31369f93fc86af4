// Shared by the tests of PcapngReader (pcapng-reader.test.ts, pcapng-reader-corrupt.test.ts):
// fixed bytes with tcpdump's reading beside them, packets, a two-section file, and the helpers
// that read a file whole or to its error. The name ends in .test.ts only to keep it out of the
// build (dist/); it registers no tests of its own.
import assert from 'node:assert/strict';
import { buildTcpPacket, buildUdpPacket } from '../wire/build.js';
import { captureFromBuffer } from './open-capture.js';
import { CaptureError } from './capture-error.js';
import type { PcapngSectionSpec } from './pcapng-encode.js';
import { fromHex, readAll } from './record-fields.test.js';

export const read = (bytes: Uint8Array) => readAll(captureFromBuffer('t.pcapng', bytes));

/** The error reading `bytes` ends in, and how many records came before it. */
export function failure(bytes: Uint8Array): { error: CaptureError; before: number } {
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
export const LE_EPB = fromHex(`
  0a 0d 0d 0a 1c 00 00 00 4d 3c 2b 1a 01 00 00 00
  ff ff ff ff ff ff ff ff 1c 00 00 00 01 00 00 00
  20 00 00 00 65 00 00 00 00 00 00 00 09 00 01 00
  09 00 00 00 00 00 00 00 20 00 00 00 06 00 00 00
  48 00 00 00 00 00 00 00 fe 9c 97 17 b1 fc 3d e8
  28 00 00 00 28 00 00 00 45 00 00 28 00 00 40 00
  40 06 d4 8f cb 00 71 05 c6 33 64 07 c7 38 01 bb
  00 00 03 e8 00 00 00 00 50 02 fa f0 81 d5 00 00
  48 00 00 00`);
export const SYN =
  '450000280000400040' + '06d48fcb007105c6336407c73801bb000003e80000000050' + '02faf081d50000';

export const udp4 = buildUdpPacket({
  src: '192.0.2.1',
  dst: '198.51.100.2',
  srcPort: 40000,
  dstPort: 7,
  payload: 'abcd',
});
export const eth = new Uint8Array(14 + udp4.length);
eth.set([2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x08, 0x00]);
eth.set(udp4, 14);
export const syn6 = buildTcpPacket({
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
export function twoSections(firstBigEndian: boolean): PcapngSectionSpec[] {
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
