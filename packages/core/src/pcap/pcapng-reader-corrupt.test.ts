// Every way a pcapng file can be broken or stop early: each gives a CaptureError naming the record
// and what is wrong, after the records before it were read.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodePcapng } from './pcapng-encode.js';
import { failure, LE_EPB, twoSections, udp4 } from './pcapng-samples.test.js';

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
  // [block type, body bytes, after an interface description?, the reason]
  const cases: [number, number, boolean, string][] = [
    [6, 16, true, 'enhanced packet block of 28 bytes is shorter than its 32-byte minimum'],
    [3, 0, true, 'simple packet block of 12 bytes is shorter than its 16-byte minimum'],
    [1, 4, false, 'interface description block of 16 bytes is shorter than its 20-byte minimum'],
  ];
  for (const [blockType, length, afterIdb, reason] of cases) {
    const raw = { type: 'raw' as const, blockType, body: new Uint8Array(length) };
    const file = encodePcapng([
      { blocks: afterIdb ? [{ type: 'idb', linkType: 101 }, raw] : [raw] },
    ]);
    assert.equal(failure(file).error.reason, reason);
  }
});
