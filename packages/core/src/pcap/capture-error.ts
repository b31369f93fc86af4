// The one exception a capture reader throws, and the record it carries. The record names the
// file, the packet record and the byte offset where reading stopped, so a user can open the file
// at that spot (`tshark -r`, a hex editor) and an automated run can tell a capture cut short from
// one that is corrupt. The many complaints of the two formats stay phrases (`reason`): what is
// typed is where reading stopped and which kind of trouble it is.

/**
 * - `cut-short`: the file ends inside a header or record (a capture killed while writing, a partial
 *   download). Every record before it was delivered intact.
 * - `corrupt`: a length, magic or reference field is impossible.
 * - `unsupported`: a well-formed file this reader does not handle (format version, resolution).
 * - `io`: the file could not be opened or read.
 */
export type CaptureErrorKind = 'cut-short' | 'corrupt' | 'unsupported' | 'io';

export interface CaptureFault {
  kind: CaptureErrorKind;
  /** The path (or the name given to `captureFromBuffer`). */
  file: string;
  /**
   * 1-based number of the packet record being read (the frame number Wireshark would show);
   * 0 for the file header. For a pcapng block that is not a packet, the number the next packet
   * would have had.
   */
  record: number;
  /** Byte offset in the file of the header of the failing record or block. */
  byteOffset: number;
  /** What is wrong there, and what to do about it when there is something to do. */
  reason: string;
}

/** The one-line message: file, record and offset, reason. */
export function captureFaultMessage(f: CaptureFault): string {
  // a file that cannot be opened has no record to point at
  return f.kind === 'io' && f.record === 0 && f.byteOffset === 0
    ? `${f.file}: ${f.reason}`
    : `${f.file}: record ${f.record} at byte ${f.byteOffset}: ${f.reason}`;
}

export class CaptureError extends Error {
  override name = 'CaptureError';
  constructor(readonly fault: CaptureFault) {
    super(captureFaultMessage(fault));
  }
  get kind(): CaptureErrorKind {
    return this.fault.kind;
  }
  get file(): string {
    return this.fault.file;
  }
  get record(): number {
    return this.fault.record;
  }
  get byteOffset(): number {
    return this.fault.byteOffset;
  }
  get reason(): string {
    return this.fault.reason;
  }
}
