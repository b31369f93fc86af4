// Bytes of a capture, read forward in large chunks into one reusable buffer. Readers ask for the
// next n bytes with `ensure(n)` and get them contiguous at `buf[pos…]`; the buffer only grows when
// a single record is larger than it. A memory source serves a caller's array the same way, so both
// go through the same reader code.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

/** Default read size: big enough that syscalls vanish from profiles, small enough to stay in cache. */
export const DEFAULT_CHUNK = 1 << 20;
const MIN_CHUNK = 64 << 10;

/**
 * The read buffer of the last file source closed, for the next one to read into. A fresh buffer
 * is fresh memory: the kernel maps and zeroes each page on first touch, inside the first read.
 * Over the 278 files of the corpus that cost 17–70 ms against 7–10 ms reading into one buffer
 * (docs/performance.md). Safe because a record is valid only until the reader's next record
 * (capture-reader.ts), so none is valid once its source is closed.
 */
let spare: Uint8Array | null = null;

/**
 * `size` bytes left as they are (no zeroing: every byte is read into before it is served) in a
 * plain Uint8Array, not a Buffer: the records point into it, and a Uint8Array's `slice` copies,
 * as its type promises, where a Buffer's is a view that the next read overwrites. (A bench kept
 * `rec.buf.slice()` of every record; once files shared the buffer, its frames were other files'.)
 */
function uninitialised(size: number): Uint8Array {
  const b = Buffer.allocUnsafe(size);
  return new Uint8Array(b.buffer, b.byteOffset, b.length);
}

/** A buffer of at least `size` bytes and at most `limit` (the spare when it fits). */
function readBuffer(size: number, limit: number): Uint8Array {
  const b = spare;
  if (b !== null && b.length >= size && b.length <= limit) {
    spare = null;
    return b;
  }
  return uninitialised(size);
}

export class ByteSource {
  /** Buffered bytes are `buf[pos, end)`; `buf` may be replaced by `ensure`. */
  buf: Uint8Array;
  pos = 0;
  end: number;
  /** File offset of `buf[0]`. */
  private base = 0;
  private fd: number;
  private eof: boolean;
  /** Whether `buf` is this source's own (a file's), not a caller's array. */
  private owned: boolean;
  /** Set when a read failed; `ensure` then reports no more bytes. */
  ioError: Error | null = null;

  private constructor(buf: Uint8Array, end: number, fd: number) {
    this.buf = buf;
    this.end = end;
    this.fd = fd;
    this.eof = fd < 0;
    this.owned = fd >= 0;
  }

  /** Serves `bytes` in place: records point into the caller's array. */
  static fromBytes(bytes: Uint8Array): ByteSource {
    return new ByteSource(bytes, bytes.length, -1);
  }

  /**
   * Opens `path` for reading. Throws the error of `openSync` (ENOENT, EACCES…). `chunkSize` is
   * the read size (tests make it tiny to exercise refills).
   */
  static openFile(path: string, chunkSize = DEFAULT_CHUNK): ByteSource {
    const fd = openSync(path, 'r');
    let size = chunkSize;
    try {
      const st = fstatSync(fd);
      if (st.isDirectory()) {
        throw Object.assign(new Error(`EISDIR: illegal operation on a directory, read '${path}'`), {
          code: 'EISDIR',
        });
      }
      // a small regular file needs no megabyte of buffer; pipes and devices report size 0
      if (st.isFile() && st.size < chunkSize)
        size = Math.max(Math.min(MIN_CHUNK, chunkSize), st.size);
    } catch (e) {
      closeSync(fd);
      throw e;
    }
    return new ByteSource(readBuffer(size, chunkSize), 0, fd);
  }

  /** Bytes buffered from `pos`. After a failed `ensure`, how many the file still had. */
  get available(): number {
    return this.end - this.pos;
  }

  /** File offset of `buf[pos]`. */
  get offset(): number {
    return this.base + this.pos;
  }

  /** Makes `n` bytes available at `buf[pos]`; false when the file ends (or a read fails) first. */
  ensure(n: number): boolean {
    if (this.end - this.pos >= n) return true;
    if (this.eof) return false;
    this.refill(n);
    return this.end - this.pos >= n;
  }

  /** Advances `n` bytes, reading and discarding what is not buffered; false when the file ends first. */
  skip(n: number): boolean {
    for (;;) {
      const have = this.end - this.pos;
      if (have >= n) {
        this.pos += n;
        return true;
      }
      this.pos = this.end;
      n -= have;
      if (!this.ensure(Math.min(n, this.buf.length))) {
        return false;
      }
    }
  }

  close(): void {
    if (this.fd >= 0) {
      closeSync(this.fd);
      this.fd = -1;
    }
    this.eof = true;
    this.pos = this.end = 0;
    // the buffer serves the next file (the larger of two, up to the default read size)
    const b = this.buf;
    if (this.owned && b.length <= DEFAULT_CHUNK && (spare === null || b.length > spare.length))
      spare = b;
    this.owned = false;
    this.buf = new Uint8Array(0);
  }

  private refill(n: number): void {
    const keep = this.end - this.pos;
    if (n > this.buf.length) {
      const grown = uninitialised(Math.max(n, this.buf.length * 2));
      grown.set(this.buf.subarray(this.pos, this.end));
      this.buf = grown;
    } else if (this.pos > 0) {
      this.buf.copyWithin(0, this.pos, this.end);
    }
    this.base += this.pos;
    this.pos = 0;
    this.end = keep;
    while (this.end < n) {
      let got: number;
      try {
        got = readSync(this.fd, this.buf, this.end, this.buf.length - this.end, null);
      } catch (e) {
        this.ioError = e as Error;
        this.eof = true;
        return;
      }
      if (got === 0) {
        this.eof = true;
        return;
      }
      this.end += got;
    }
  }
}
