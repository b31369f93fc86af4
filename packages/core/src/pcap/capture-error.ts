// The one exception a capture reader throws. It names the file, the packet record and the byte
// offset where reading stopped, so a user can open the file at that spot (`tshark -r`, a hex
// editor) and an automated run can tell a capture cut short from one that is corrupt.

/**
 * - `cut-short`: the file ends inside a header or record (a capture killed while writing, a partial
 *   download). Every record before it was delivered intact.
 * - `corrupt`: a length, magic or reference field is impossible.
 * - `unsupported`: a well-formed file this reader does not handle (format version, resolution).
 * - `io`: the file could not be opened or read.
 */
export type CaptureErrorKind = 'cut-short' | 'corrupt' | 'unsupported' | 'io';

export class CaptureError extends Error {
  override name = 'CaptureError';
  constructor(
    /** The path (or the name given to `captureFromBuffer`). */
    readonly file: string,
    /**
     * 1-based number of the packet record being read (the frame number Wireshark would show);
     * 0 for the file header. For a pcapng block that is not a packet, the number the next packet
     * would have had.
     */
    readonly record: number,
    /** Byte offset in the file of the header of the failing record or block. */
    readonly byteOffset: number,
    readonly reason: string,
    readonly kind: CaptureErrorKind = 'corrupt',
  ) {
    // a file that cannot be opened has no record to point at
    super(
      kind === 'io' && record === 0 && byteOffset === 0
        ? `${file}: ${reason}`
        : `${file}: record ${record} at byte ${byteOffset}: ${reason}`,
    );
  }
}
