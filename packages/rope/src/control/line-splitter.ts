// Newline-delimited framing with a bound: bytes in, complete lines out, and a refusal as soon as
// a line grows past the limit — a peer that never sends "\n" cannot make us buffer without end.
// A trailing "\r" is dropped, so a person typing into `socat - UNIX:…` is understood too.

export interface SplitResult {
  lines: string[];
  tooLong: boolean;
}

export class LineSplitter {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private failed = false;

  /** @param maxBytes the longest line accepted, without its "\n" */
  constructor(readonly maxBytes: number) {}

  /**
   * Feeds a chunk. Returns the lines it completed; `tooLong` once a line exceeded the bound (the
   * lines before it are still returned, and everything after is ignored: the caller closes).
   */
  push(chunk: Uint8Array): SplitResult {
    const lines: string[] = [];
    if (this.failed) return { lines, tooLong: true };
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(0x0a, start);
      const end = nl < 0 ? chunk.length : nl;
      // + 1: a line of exactly maxBytes may still end in the "\r" that is dropped
      if (this.pendingBytes + (end - start) > this.maxBytes + 1) return this.fail(lines);
      if (nl < 0) {
        if (end > start) {
          this.pending.push(Buffer.from(chunk.subarray(start, end)));
          this.pendingBytes += end - start;
        }
        return { lines, tooLong: false };
      }
      const part = chunk.subarray(start, end);
      const bytes =
        this.pending.length === 0 ? Buffer.from(part) : Buffer.concat([...this.pending, part]);
      this.pending = [];
      this.pendingBytes = 0;
      const len =
        bytes.length > 0 && bytes[bytes.length - 1] === 0x0d ? bytes.length - 1 : bytes.length;
      if (len > this.maxBytes) return this.fail(lines);
      lines.push(bytes.toString('utf8', 0, len));
      start = nl + 1;
    }
  }

  private fail(lines: string[]): SplitResult {
    this.failed = true;
    this.pending = [];
    this.pendingBytes = 0;
    return { lines, tooLong: true };
  }

  /** Bytes held of an unfinished line. */
  get buffered(): number {
    return this.pendingBytes;
  }
}
