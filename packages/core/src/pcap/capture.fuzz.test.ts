// Properties over random and mutated captures: the readers only ever throw CaptureError, every
// record lies inside the bytes it came from, reading ends (a bounded number of records), and the
// file reader (chunked, reusing a buffer that holds stale bytes) agrees exactly with the memory
// reader, so no read can have strayed past the valid bytes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { captureFromBuffer, openCapture } from './open-capture.js';
import { CaptureError } from './capture-error.js';
import type { CaptureReader } from './capture-reader.js';
import { encodePcap } from './pcap-writer.js';
import { encodePcapng, type PcapngBlockSpec, type PcapngSectionSpec } from './pcapng-encode.js';
import { ipOffset } from './link-type.js';

/** FUZZ_SCALE=N runs N times the cases (`npm run fuzz`). */
const SCALE = Number(process.env.FUZZ_SCALE ?? 1);

interface Outcome {
  records: string[];
  error: string | null;
}

/** Reads to the end, checking every record; returns what was read and how it ended. */
function drain(r: CaptureReader, input: Uint8Array, memory: boolean): Outcome {
  const records: string[] = [];
  // every record or block takes at least 12 bytes: more records than this means a loop
  const bound = Math.floor(input.length / 12) + 1;
  try {
    for (let rec = r.next(); rec; rec = r.next()) {
      assert.ok(records.length < bound, 'more records than the input can hold');
      assert.equal(rec.index, records.length + 1);
      for (const k of [
        'offset',
        'length',
        'originalLength',
        'tsNsec',
        'linkType',
        'interfaceId',
        'fileOffset',
      ] as const) {
        assert.ok(Number.isSafeInteger(rec[k]), `${k} = ${rec[k]}`);
      }
      // a 64-bit count of whole seconds can exceed 2^53: an integer, not necessarily exact
      assert.ok(Number.isInteger(rec.tsSec), `tsSec = ${rec.tsSec}`);
      assert.ok(rec.offset >= 0 && rec.length >= 0 && rec.offset + rec.length <= rec.buf.length);
      assert.ok(rec.tsNsec >= 0 && rec.tsNsec < 1e9);
      assert.ok(rec.fileOffset >= 0 && rec.fileOffset + 12 + rec.length <= input.length);
      if (memory) {
        assert.equal(rec.buf, input, 'memory records point into the caller bytes');
        assert.ok(rec.offset >= rec.fileOffset + 12);
      }
      const ip = ipOffset(rec.linkType, rec.buf, rec.offset, rec.length);
      assert.ok(ip === -1 || (ip >= rec.offset && ip < rec.offset + rec.length));
      const frame = Buffer.from(rec.buf.subarray(rec.offset, rec.offset + rec.length)).toString(
        'hex',
      );
      records.push(
        `${rec.fileOffset} ${rec.length}/${rec.originalLength} ${rec.tsSec}.${rec.tsNsec} lt${rec.linkType} if${rec.interfaceId} ${frame}`,
      );
    }
  } catch (e) {
    if (!(e instanceof CaptureError)) throw e;
    assert.ok(e.byteOffset >= 0 && e.byteOffset <= input.length, `error offset ${e.byteOffset}`);
    assert.ok(e.record === records.length + 1 || (e.record === 0 && e.byteOffset === 0));
    assert.ok(!e.message.includes('\n'));
    return { records, error: e.message };
  } finally {
    r.close();
  }
  return { records, error: null };
}

function fromMemory(bytes: Uint8Array): Outcome {
  try {
    return drain(captureFromBuffer('f', bytes), bytes, true);
  } catch (e) {
    if (!(e instanceof CaptureError)) throw e;
    return { records: [], error: e.message };
  }
}

let dir = '';
function fromFile(bytes: Uint8Array, chunkSize: number): Outcome {
  if (!dir) dir = mkdtempSync(join(tmpdir(), 'p2pwall-fuzz-'));
  const path = join(dir, 'f');
  writeFileSync(path, bytes);
  let out: Outcome;
  try {
    out = drain(openCapture(path, { chunkSize }), bytes, false);
  } catch (e) {
    if (!(e instanceof CaptureError)) throw e;
    out = { records: [], error: e.message };
  }
  return { records: out.records, error: out.error && out.error.replace(path, 'f') };
}

test.after(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

// -- generators of valid files

const packetData = fc.uint8Array({ maxLength: 120 });
const ts = { tsSec: fc.nat({ max: 0xffffffff }), tsNsec: fc.nat({ max: 999_999_999 }) };

const pcapFile = fc
  .record({
    recs: fc.array(fc.record({ data: packetData, ...ts }), { maxLength: 8 }),
    linkType: fc.constantFrom(0, 1, 101, 113, 276, 228, 229, 9, 108, 192),
    bigEndian: fc.boolean(),
    nanosecond: fc.boolean(),
  })
  .map(({ recs, linkType, bigEndian, nanosecond }) =>
    encodePcap(recs, linkType, { bigEndian, nanosecond }),
  );

const tsresol = fc.oneof(
  fc.constantFrom(3, 6, 9),
  fc.nat({ max: 19 }),
  fc.nat({ max: 63 }).map((b) => 0x80 | b),
);
const option = fc.record({
  code: fc.integer({ min: 1, max: 0xffff }),
  value: fc.uint8Array({ maxLength: 12 }),
});

const section: fc.Arbitrary<PcapngSectionSpec> = fc
  .record({
    bigEndian: fc.boolean(),
    ifs: fc.array(
      fc.record({
        linkType: fc.constantFrom(0, 1, 101, 113, 276),
        snaplen: fc.nat({ max: 200 }),
        tsresol,
        tsOffset: fc.integer({ min: -1000, max: 1000 }),
      }),
      { minLength: 1, maxLength: 3 },
    ),
    packets: fc.array(
      fc.record({
        kind: fc.constantFrom('epb', 'epb', 'pb', 'spb', 'raw'),
        which: fc.nat(),
        data: packetData,
        tsSec: fc.integer({ min: 1000, max: 0x7fffffff }),
        tsNsec: fc.nat({ max: 999_999_999 }),
        options: fc.array(option, { maxLength: 2 }),
      }),
      { maxLength: 6 },
    ),
  })
  .map(({ bigEndian, ifs, packets }) => {
    const blocks: PcapngBlockSpec[] = ifs.map((i) => ({ type: 'idb' as const, ...i }));
    for (const p of packets) {
      if (p.kind === 'raw')
        blocks.push({ type: 'raw', blockType: 0x40000000 + (p.which % 8), body: p.data });
      else if (p.kind === 'spb') blocks.push({ type: 'spb', data: p.data });
      else
        blocks.push({
          type: p.kind as 'epb' | 'pb',
          interfaceId: p.which % ifs.length,
          data: p.data,
          tsSec: p.tsSec,
          tsNsec: p.tsNsec,
          options: p.options,
        });
    }
    return { bigEndian, blocks };
  });

const pcapngFile = fc.array(section, { minLength: 1, maxLength: 3 }).map((s) => encodePcapng(s));
const validFile = fc.oneof(pcapFile, pcapngFile);

// -- mutations

type Mutation =
  | { op: 'flip'; at: number; mask: number }
  | { op: 'word'; at: number; value: number }
  | { op: 'insert'; at: number; bytes: Uint8Array }
  | { op: 'delete'; at: number; count: number }
  | { op: 'truncate'; at: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({
    op: fc.constant('flip' as const),
    at: fc.nat(),
    mask: fc.integer({ min: 1, max: 255 }),
  }),
  // whole 32-bit words: the way length fields get big, small or zero
  fc.record({
    op: fc.constant('word' as const),
    at: fc.nat(),
    value: fc.oneof(
      fc.nat({ max: 0xffffffff }),
      fc.nat({ max: 300 }),
      fc.constantFrom(0, 12, 0xffffffff, 262145),
    ),
  }),
  fc.record({
    op: fc.constant('insert' as const),
    at: fc.nat(),
    bytes: fc.uint8Array({ minLength: 1, maxLength: 9 }),
  }),
  fc.record({
    op: fc.constant('delete' as const),
    at: fc.nat(),
    count: fc.integer({ min: 1, max: 9 }),
  }),
  fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
);

function mutate(file: Uint8Array, ms: Mutation[]): Uint8Array {
  let b = file;
  for (const m of ms) {
    if (b.length === 0) break;
    const at = m.at % b.length;
    switch (m.op) {
      case 'flip':
        b = Uint8Array.from(b);
        b[at] ^= m.mask;
        break;
      case 'word': {
        b = Uint8Array.from(b);
        const w = at & ~3;
        for (let i = 0; i < 4 && w + i < b.length; i++) b[w + i] = (m.value >>> (8 * i)) & 0xff;
        break;
      }
      case 'insert': {
        const n = new Uint8Array(b.length + m.bytes.length);
        n.set(b.subarray(0, at));
        n.set(m.bytes, at);
        n.set(b.subarray(at), at + m.bytes.length);
        b = n;
        break;
      }
      case 'delete': {
        const n = new Uint8Array(Math.max(at, b.length - m.count));
        n.set(b.subarray(0, at));
        n.set(b.subarray(at + m.count), at);
        b = n;
        break;
      }
      case 'truncate':
        b = b.subarray(0, at);
        break;
    }
  }
  return b;
}

test('valid generated files read without error, from memory and from a file in tiny chunks alike', () => {
  fc.assert(
    fc.property(validFile, fc.integer({ min: 1, max: 64 }), (file, chunk) => {
      const mem = fromMemory(file);
      assert.equal(mem.error, null);
      assert.deepEqual(fromFile(file, chunk), mem);
    }),
    { numRuns: 300 * SCALE },
  );
});

test('mutated files: only CaptureError, records inside the bytes, reading ends', () => {
  fc.assert(
    fc.property(validFile, fc.array(mutation, { minLength: 1, maxLength: 4 }), (file, ms) => {
      fromMemory(mutate(file, ms));
    }),
    { numRuns: 3000 * SCALE },
  );
});

test('mutated files: the chunked file reader agrees with the memory reader exactly', () => {
  fc.assert(
    fc.property(
      validFile,
      fc.array(mutation, { minLength: 1, maxLength: 4 }),
      fc.integer({ min: 1, max: 100 }),
      (file, ms, chunk) => {
        const bytes = mutate(file, ms);
        assert.deepEqual(fromFile(bytes, chunk), fromMemory(bytes));
      },
    ),
    { numRuns: 400 * SCALE },
  );
});

const magics = [
  [0xd4, 0xc3, 0xb2, 0xa1],
  [0xa1, 0xb2, 0xc3, 0xd4],
  [0x4d, 0x3c, 0xb2, 0xa1],
  [0xa1, 0xb2, 0x3c, 0x4d],
  [0x34, 0xcd, 0xb2, 0xa1],
  [0xa1, 0xb2, 0xcd, 0x34],
];

test('random bytes behind a valid magic or none: only CaptureError, reading ends', () => {
  const pcapngHead = Uint8Array.from([
    0x0a, 0x0d, 0x0d, 0x0a, 0x1c, 0, 0, 0, 0x4d, 0x3c, 0x2b, 0x1a, 1, 0, 0, 0,
  ]);
  fc.assert(
    fc.property(
      fc.nat({ max: magics.length + 1 }),
      fc.uint8Array({ maxLength: 400 }),
      (which, tail) => {
        const head =
          which < magics.length
            ? Uint8Array.from([...magics[which], 2, 0, 4, 0])
            : which === magics.length
              ? pcapngHead
              : new Uint8Array(0);
        const bytes = Uint8Array.from([...head, ...tail]);
        fromMemory(bytes);
      },
    ),
    { numRuns: 3000 * SCALE },
  );
});
