// Classic pcap read from fixed bytes, tcpdump's reading of them next to the bytes (gopacket style),
// then every way a pcap file can stop early.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { captureFromBuffer } from './open-capture.js';
import { CaptureError } from './capture-error.js';
import { PcapReader } from './pcap-reader.js';
import { fromHex, readAll } from './record-fields.test.js';

function fields(bytes: Uint8Array) {
  const r = captureFromBuffer('t.pcap', bytes);
  return { format: r.format, records: readAll(r) };
}

function failure(bytes: Uint8Array): CaptureError {
  try {
    const r = captureFromBuffer('t.pcap', bytes);
    while (r.next());
  } catch (e) {
    assert.ok(e instanceof CaptureError, `expected CaptureError, got ${e}`);
    return e;
  }
  assert.fail('expected the reader to throw');
}

// $ tcpdump -nn -tt -e -r a.pcap
// reading from file a.pcap, link-type EN10MB (Ethernet), snapshot length 262144
// 1700000000.123456 02:00:00:00:00:01 > 02:00:00:00:00:02, ethertype IPv4 (0x0800), length 46:
//   192.0.2.1.40000 > 198.51.100.2.7: UDP, length 4
const LE_USEC = fromHex(`
  d4 c3 b2 a1 02 00 04 00 00 00 00 00 00 00 00 00
  00 00 04 00 01 00 00 00 00 f1 53 65 40 e2 01 00
  2e 00 00 00 2e 00 00 00 02 00 00 00 00 02 02 00
  00 00 00 01 08 00 45 00 00 20 12 34 40 00 40 11
  3c 62 c0 00 02 01 c6 33 64 02 9c 40 00 07 00 0c
  b2 90 61 62 63 64`);
const LE_USEC_FRAME =
  '020000000002020000000001080045000020123440004011' +
  '3c62c0000201c63364029c400007000cb29061626364';

test('little-endian microsecond pcap: header and record fields', () => {
  const r = captureFromBuffer('a.pcap', LE_USEC) as PcapReader;
  assert.equal(r.format, 'pcap');
  assert.equal(r.bigEndian, false);
  assert.equal(r.nanosecond, false);
  assert.equal(r.snaplen, 262144);
  assert.equal(r.versionMajor, 2);
  assert.equal(r.versionMinor, 4);
  assert.deepEqual(fields(LE_USEC).records, [
    {
      index: 1,
      frame: LE_USEC_FRAME,
      length: 46,
      originalLength: 46,
      tsSec: 1700000000,
      tsNsec: 123456000,
      linkType: 1,
      interfaceId: 0,
      fileOffset: 24,
    },
  ]);
});

// $ tcpdump -nn -tt --time-stamp-precision=nano -r b.pcap
// reading from file b.pcap, link-type RAW (Raw IP), snapshot length 44
// 1700000001.123456789 IP6 2001:db8::1.5353 > 2001:db8::2.5353:  [|udp]
const BE_NSEC = fromHex(`
  a1 b2 3c 4d 00 02 00 04 00 00 00 00 00 00 00 00
  00 00 00 2c 00 00 00 65 65 53 f1 01 07 5b cd 15
  00 00 00 2c 00 00 00 34 60 00 00 00 00 0c 11 40
  20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 01
  20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 02
  14 e9 14 e9`);

test('big-endian nanosecond pcap with a snap length: captured 44 of 52 bytes', () => {
  const r = captureFromBuffer('b.pcap', BE_NSEC) as PcapReader;
  assert.equal(r.bigEndian, true);
  assert.equal(r.nanosecond, true);
  assert.equal(r.snaplen, 44);
  assert.deepEqual(fields(BE_NSEC).records, [
    {
      index: 1,
      frame: Buffer.from(BE_NSEC.subarray(40)).toString('hex'),
      length: 44,
      originalLength: 52,
      tsSec: 1700000001,
      tsNsec: 123456789,
      linkType: 101,
      interfaceId: 0,
      fileOffset: 24,
    },
  ]);
});

// Kuznetzov's modified format (old Red Hat tcpdump), the same packet as LE_USEC:
// $ tcpdump -nn -tt -e -r k.pcap
// 1700000000.123456 02:00:00:00:00:01 > 02:00:00:00:00:02, ethertype IPv4 (0x0800), length 46:
//   192.0.2.1.40000 > 198.51.100.2.7: UDP, length 4
// The record header carries ifindex 2, protocol 0x0800, pkt_type 4 (outgoing) after `len`.
const KUZNETZOV = fromHex(`
  34 cd b2 a1 02 00 04 00 00 00 00 00 00 00 00 00
  00 00 04 00 01 00 00 00 00 f1 53 65 40 e2 01 00
  2e 00 00 00 2e 00 00 00 02 00 00 00 08 00 04 00
  02 00 00 00 00 02 02 00 00 00 00 01 08 00 45 00
  00 20 12 34 40 00 40 11 3c 62 c0 00 02 01 c6 33
  64 02 9c 40 00 07 00 0c b2 90 61 62 63 64`);

test('Kuznetzov modified pcap: 24-byte record headers, same packet', () => {
  const recs = fields(KUZNETZOV).records;
  assert.equal(recs.length, 1);
  assert.equal(recs[0].frame, LE_USEC_FRAME);
  assert.equal(recs[0].tsNsec, 123456000);
});

test('a big-endian copy of a little-endian file reads to identical records', () => {
  const be = Uint8Array.from(LE_USEC);
  const swap4 = (o: number) => be.set(Uint8Array.from(LE_USEC.subarray(o, o + 4)).reverse(), o);
  const swap2 = (o: number) => be.set(Uint8Array.from(LE_USEC.subarray(o, o + 2)).reverse(), o);
  swap4(0);
  swap2(4);
  swap2(6);
  for (const o of [8, 12, 16, 20, 24, 28, 32, 36]) swap4(o);
  assert.equal(be[0], 0xa1);
  assert.deepEqual(fields(be), fields(LE_USEC));
});

test('a header-only file has no records; next() after the end and after close() stays null', () => {
  const r = captureFromBuffer('h.pcap', LE_USEC.subarray(0, 24));
  assert.equal(r.next(), null);
  assert.equal(r.next(), null);
  const r2 = captureFromBuffer('a.pcap', LE_USEC);
  r2.close();
  assert.equal(r2.next(), null);
});

test('the record object and buffer are reused: fields are those of the latest record', () => {
  const two = new Uint8Array(24 + 2 * 62);
  two.set(LE_USEC);
  two.set(LE_USEC.subarray(24), 24 + 62);
  two[24 + 62] = 0x01; // second record one second later
  const r = captureFromBuffer('two.pcap', two);
  const a = r.next();
  const sec = a?.tsSec;
  const b = r.next();
  assert.equal(a, b);
  assert.equal(b?.index, 2);
  assert.equal(b?.fileOffset, 86);
  assert.notEqual(b?.tsSec, sec);
});

test('tolerated: a timestamp fraction beyond a second is carried into the seconds', () => {
  const b = Uint8Array.from(LE_USEC);
  b.set([0x40, 0x42, 0x0f, 0x00], 28); // 1000000 µs
  const rec = fields(b).records[0];
  assert.equal(rec.tsSec, 1700000001);
  assert.equal(rec.tsNsec, 0);
});

test('tolerated: captured length above the snaplen and above the original length', () => {
  const b = Uint8Array.from(LE_USEC);
  b.set([20, 0, 0, 0], 16); // snaplen 20 < caplen 46
  b.set([10, 0, 0, 0], 36); // original length 10 < caplen 46
  const rec = fields(b).records[0];
  assert.equal(rec.length, 46);
  assert.equal(rec.originalLength, 10);
});

test('not a capture: the magic is named, compressed files get a hint', () => {
  const e = failure(fromHex('00 01 02 03 04 05 06 07'));
  assert.equal(
    e.message,
    't.pcap: record 0 at byte 0: not a pcap or pcapng file (magic 0x00010203)',
  );
  assert.equal(e.record, 0);
  assert.equal(e.byteOffset, 0);
  assert.match(failure(fromHex('1f 8b 08 00 00 00')).message, /gzip-compressed, gunzip it first/);
  assert.match(
    failure(Buffer.from('GET / HTTP/1.1\r\n')).message,
    /magic 0x47455420: looks like text/,
  );
});

test('empty file, 3 bytes, and a file header cut short', () => {
  assert.equal(
    failure(new Uint8Array(0)).message,
    't.pcap: record 0 at byte 0: empty file: not a pcap or pcapng capture',
  );
  assert.equal(
    failure(LE_USEC.subarray(0, 3)).reason,
    'only 3 bytes: not a pcap or pcapng capture',
  );
  const e = failure(LE_USEC.subarray(0, 20));
  assert.equal(e.reason, 'pcap file header needs 24 bytes, the file has 20');
  assert.equal(e.kind, 'cut-short');
});

test('unsupported format version', () => {
  const b = Uint8Array.from(LE_USEC);
  b[4] = 1;
  const e = failure(b);
  assert.equal(e.kind, 'unsupported');
  assert.equal(e.reason, 'pcap format version 1.4 is not supported (only 2.x)');
});

test('final record cut short (tcpdump killed while writing): named as such, earlier records delivered', () => {
  const two = new Uint8Array(24 + 62 + 40);
  two.set(LE_USEC);
  two.set(LE_USEC.subarray(24, 24 + 40), 86);
  const r = captureFromBuffer('cut.pcap', two);
  assert.equal(r.next()?.index, 1);
  assert.throws(
    () => r.next(),
    (e: unknown) =>
      e instanceof CaptureError &&
      e.kind === 'cut-short' &&
      e.record === 2 &&
      e.byteOffset === 86 &&
      e.message ===
        'cut.pcap: record 2 at byte 86: record claims 46 captured bytes but the file ends 24 bytes into them: the capture was cut short (e.g. tcpdump killed while writing) or the length is corrupt; all earlier records are intact',
  );
});

test('record header cut short', () => {
  const e = failure(LE_USEC.subarray(0, 24 + 62 - 50));
  assert.equal(e.record, 1);
  assert.equal(e.byteOffset, 24);
  assert.equal(e.kind, 'cut-short');
  assert.match(e.reason, /^file ends 12 bytes into a 16-byte record header/);
});

test('captured length above 256 KiB is corrupt, not an allocation', () => {
  const b = Uint8Array.from(LE_USEC);
  b.set([0x01, 0x00, 0x04, 0x00], 32); // 262145
  const e = failure(b);
  assert.equal(e.kind, 'corrupt');
  assert.equal(
    e.message,
    't.pcap: record 1 at byte 24: captured length 262145 exceeds the 262144-byte maximum: the record header is corrupt',
  );
});

test('the link type is the low 16 bits of the header field (FCS flags above)', () => {
  const b = Uint8Array.from(LE_USEC);
  b.set([0x01, 0x00, 0x00, 0x14], 20); // FCS length 1 (×16 bits) present, link type 1
  assert.equal(fields(b).records[0].linkType, 1);
});
