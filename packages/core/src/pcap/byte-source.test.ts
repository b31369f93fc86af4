// The file source's read buffer passes from a closed source to the next one (byte-source.ts):
// every file still reads back exactly, a buffer is never shared by two open sources, a caller's
// array is never handed on, and a small chunk size is kept (tests rely on it to force refills).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { ByteSource } from './byte-source.js';
import { withTempDir } from '../../../../test/support/temp-dir.js';

const SCALE = Number(process.env.FUZZ_SCALE ?? 1);

function file(dir: string, name: string, size: number, seed: number): [string, Buffer] {
  const bytes = Buffer.alloc(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 31 + seed * 7 + (i >> 8)) & 0xff;
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return [path, bytes];
}

/** Reads the whole source in steps of `step` bytes. */
function readAll(src: ByteSource, step: number): Buffer {
  const parts: Buffer[] = [];
  for (;;) {
    if (src.ensure(step)) {
      parts.push(Buffer.from(src.buf.subarray(src.pos, src.pos + step)));
      src.pos += step;
      continue;
    }
    parts.push(Buffer.from(src.buf.subarray(src.pos, src.end)));
    return Buffer.concat(parts);
  }
}

test('a closed source hands its buffer to the next file, which reads back exactly', () => {
  withTempDir('p2pwall-bytes-', (dir) => {
    const [a, aBytes] = file(dir, 'a', 200_000, 1);
    const [b, bBytes] = file(dir, 'b', 70_000, 2);
    const first = ByteSource.openFile(a);
    const buffer = first.buf;
    assert.deepEqual(readAll(first, 1000), aBytes);
    first.close();
    const second = ByteSource.openFile(b);
    assert.equal(second.buf, buffer, 'the next source reads into the closed one’s buffer');
    assert.deepEqual(readAll(second, 999), bBytes);
    second.close();
  });
});

test('slice() of the read buffer is a copy that the next file leaves as it was', () => {
  withTempDir('p2pwall-bytes-', (dir) => {
    const [a, aBytes] = file(dir, 'a', 100_000, 7);
    const [b] = file(dir, 'b', 100_000, 8);
    const first = ByteSource.openFile(a);
    assert.ok(first.ensure(1000));
    // not a Buffer, whose slice() would be a view of the buffer the next file is read into
    assert.ok(!Buffer.isBuffer(first.buf));
    const kept = first.buf.slice(first.pos, first.pos + 1000);
    const buffer = first.buf;
    first.close();
    const second = ByteSource.openFile(b);
    assert.equal(second.buf, buffer);
    assert.ok(second.ensure(1000));
    assert.deepEqual(Buffer.from(kept), aBytes.subarray(0, 1000));
    second.close();
  });
});

test('two open sources never share a buffer; a caller’s array is never handed on', () => {
  withTempDir('p2pwall-bytes-', (dir) => {
    const [a] = file(dir, 'a', 100_000, 3);
    const [b] = file(dir, 'b', 100_000, 4);
    ByteSource.openFile(a).close();
    const x = ByteSource.openFile(a);
    const y = ByteSource.openFile(b);
    assert.notEqual(x.buf, y.buf);
    x.close();
    y.close();
    const mine = new Uint8Array(500_000);
    ByteSource.fromBytes(mine).close();
    const z = ByteSource.openFile(b);
    assert.notEqual(z.buf, mine);
    z.close();
  });
});

test('a buffer larger than a source’s chunk size is not used for it', () => {
  withTempDir('p2pwall-bytes-', (dir) => {
    const [a] = file(dir, 'a', 300_000, 5);
    const [b, bBytes] = file(dir, 'b', 5_000, 6);
    ByteSource.openFile(a).close();
    const small = ByteSource.openFile(b, 64);
    assert.ok(small.buf.length <= 5_000);
    assert.deepEqual(readAll(small, 7), bBytes);
    small.close();
  });
});

test('property: files of any size read one after another, any chunk size, come back exactly', () => {
  withTempDir('p2pwall-bytes-', (dir) => {
    let n = 0;
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            size: fc.oneof(
              fc.integer({ min: 0, max: 4096 }),
              fc.integer({ min: 60_000, max: 1_200_000 }),
            ),
            chunk: fc.constantFrom(16, 4096, 1 << 16, 1 << 20),
            step: fc.integer({ min: 1, max: 70_000 }),
          }),
          { minLength: 1, maxLength: 5 },
        ),
        (files) => {
          for (const f of files) {
            const [path, bytes] = file(dir, `f${n}`, f.size, n++);
            const src = ByteSource.openFile(path, f.chunk);
            try {
              assert.deepEqual(readAll(src, f.step), bytes);
            } finally {
              src.close();
            }
          }
        },
      ),
      { numRuns: 25 * SCALE },
    );
  });
});
