// Shared by the capture readers' tests (pcap and pcapng): bytes from hex text, and every record of
// a reader as plain fields (the frame as hex), so a test compares a whole file with one
// deepEqual. The name ends in .test.ts only to keep it out of the build (dist/); it registers no
// tests of its own.
import type { CaptureReader, CaptureRecord } from './capture-reader.js';

export const fromHex = (s: string): Uint8Array =>
  Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));

/** A record's fields, its frame as hex in place of the reader's buffer. */
export type RecordFields = Omit<CaptureRecord, 'buf' | 'offset'> & { frame: string };

/** Every record `r` hands out, in order. */
export function readAll(r: CaptureReader): RecordFields[] {
  const out: RecordFields[] = [];
  for (let rec = r.next(); rec; rec = r.next()) {
    out.push({
      index: rec.index,
      frame: Buffer.from(rec.buf.subarray(rec.offset, rec.offset + rec.length)).toString('hex'),
      length: rec.length,
      originalLength: rec.originalLength,
      tsSec: rec.tsSec,
      tsNsec: rec.tsNsec,
      linkType: rec.linkType,
      interfaceId: rec.interfaceId,
      fileOffset: rec.fileOffset,
    });
  }
  return out;
}
