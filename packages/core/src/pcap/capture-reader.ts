// What every capture reader hands out: one record at a time, pointing into the reader's own
// buffer (no copy per record), the reader interface, and the base the formats share.
import type { ByteSource } from './byte-source.js';
import { CaptureError, type CaptureErrorKind } from './capture-error.js';

/** One packet record. The object and its `buf` are reused: valid only until the next `next()`. */
export interface CaptureRecord {
  /** 1-based position of this packet record in the capture (Wireshark's frame number). */
  index: number;
  /** Holds the frame at `[offset, offset + length)`; valid only until the next call to `next()`. */
  buf: Uint8Array;
  /** Start of the link-layer frame in `buf`. */
  offset: number;
  /** Captured bytes. */
  length: number;
  /** Bytes on the wire (may exceed `length` when the capture had a snap length). */
  originalLength: number;
  /** Timestamp: seconds since 1970 and nanoseconds (0 ≤ tsNsec < 1e9). */
  tsSec: number;
  tsNsec: number;
  /** LINKTYPE_* value of the interface the record was captured on. */
  linkType: number;
  /**
   * pcapng: the interface's number counted over the whole file, as Wireshark's
   * `frame.interface_id` (the block's own id counts within its section); pcap: 0.
   */
  interfaceId: number;
  /** Byte offset of this record's header (pcapng: its block) in the file. */
  fileOffset: number;
}

export interface CaptureReader {
  readonly path: string;
  readonly format: 'pcap' | 'pcapng';
  /** The next packet record, or null at the end of the file. Throws CaptureError. */
  next(): CaptureRecord | null;
  /** Releases the file. Safe to call more than once; `next()` afterwards returns null. */
  close(): void;
}

export function newRecord(): CaptureRecord {
  return {
    index: 0,
    buf: new Uint8Array(0),
    offset: 0,
    length: 0,
    originalLength: 0,
    tsSec: 0,
    tsNsec: 0,
    linkType: 0,
    interfaceId: 0,
    fileOffset: 0,
  };
}

/**
 * Largest captured length accepted for one packet (libpcap's MAXIMUM_SNAPLEN). Anything larger
 * is a length field that lies; reading on would mean trusting it with memory.
 */
export const MAX_CAPLEN = 262144;

/**
 * The part of a format reader that does not depend on the format: the reused record, the count
 * errors are numbered by, and closing. Subclasses read their file header in the constructor.
 */
export abstract class FormatReader implements CaptureReader {
  abstract readonly format: 'pcap' | 'pcapng';
  protected readonly rec: CaptureRecord = newRecord();
  /** Packet records delivered so far. */
  protected count = 0;
  protected closed = false;

  constructor(
    readonly path: string,
    protected readonly src: ByteSource,
  ) {}

  abstract next(): CaptureRecord | null;

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.src.close();
  }

  /** The error of the record being read; at byte 0 it is the file header's (record 0). */
  protected fail(offset: number, reason: string, kind: CaptureErrorKind = 'corrupt'): CaptureError {
    return new CaptureError({
      kind,
      file: this.path,
      record: offset === 0 ? 0 : this.count + 1,
      byteOffset: offset,
      reason,
    });
  }

  protected ioFail(e: Error): CaptureError {
    return new CaptureError({
      kind: 'io',
      file: this.path,
      record: this.count + 1,
      byteOffset: this.src.offset,
      reason: `read failed: ${e.message}`,
    });
  }
}
