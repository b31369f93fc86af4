// What a file named on the command line holds, judged from its first bytes: a capture (pcap or
// pcapng magic), text, or other bytes. A command given its arguments in the wrong order says so
// in one line instead of compiling a capture or reading a script as packets.
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { isCaptureMagic, type CaptureError } from '@p2pwall/core/pcap';

export type FileKind = 'capture' | 'text' | 'binary';

/** Bytes read to judge a file. */
const HEAD = 512;

/** A NUL byte marks a binary file (as grep and git judge); control characters alone do not. */
export function kindOf(head: Uint8Array): FileKind {
  if (isCaptureMagic(head)) return 'capture';
  return head.includes(0) ? 'binary' : 'text';
}

/** The kind of the regular file at `path`, or null when it is none or cannot be read. */
export function fileKind(path: string): FileKind | null {
  let fd: number;
  try {
    // a pipe already read by the caller must not be waited on
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch {
    return null;
  }
  try {
    if (!fstatSync(fd).isFile()) return null;
    const head = new Uint8Array(HEAD);
    return kindOf(head.subarray(0, readSync(fd, head, 0, HEAD, 0)));
  } catch {
    return null;
  } finally {
    closeSync(fd);
  }
}

/**
 * For a capture that failed at its first bytes: one line saying the file is text (a script, most
 * likely) and `hint`; null when that is not the case.
 */
export function textGivenAsCapture(e: CaptureError, hint: string): string | null {
  if (e.kind !== 'corrupt' || e.record !== 0 || e.byteOffset !== 0) return null;
  if (fileKind(e.file) !== 'text') return null;
  return `${e.file} is a text file (a script?), not a capture (pcap or pcapng); ${hint}`;
}
