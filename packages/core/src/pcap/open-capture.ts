// Opening a capture: sniff the first four bytes and hand the source to the reader of that format.
import { be32 } from '../bytes/endian.js';
import { ByteSource, DEFAULT_CHUNK } from './byte-source.js';
import { CaptureError, type CaptureErrorKind } from './capture-error.js';
import type { CaptureReader } from './capture-reader.js';
import { pcapMagic } from './pcap-format.js';
import { PcapReader } from './pcap-reader.js';
import { BT_SHB } from './pcapng-format.js';
import { PcapngReader } from './pcapng-reader.js';

export interface OpenCaptureOptions {
  /** Read size in bytes (default 1 MiB). */
  chunkSize?: number;
}

/** Opens a pcap or pcapng file for streaming. Throws CaptureError (record 0) when it cannot. */
export function openCapture(path: string, options: OpenCaptureOptions = {}): CaptureReader {
  let src: ByteSource;
  try {
    src = ByteSource.openFile(path, options.chunkSize ?? DEFAULT_CHUNK);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw headerError(path, 'io', `cannot open: ${openFailure(err)}`);
  }
  try {
    return fromSource(path, src);
  } catch (e) {
    src.close();
    throw e;
  }
}

/** Reads a capture held in memory (stdin, tests); records point into `bytes`. */
export function captureFromBuffer(name: string, bytes: Uint8Array): CaptureReader {
  return fromSource(name, ByteSource.fromBytes(bytes));
}

/** Whether bytes begin as a pcap or pcapng file does (its magic number). */
export function isCaptureMagic(bytes: Uint8Array): boolean {
  if (bytes.length < 4) return false;
  const magic = be32(bytes, 0);
  return magic === BT_SHB || pcapMagic(magic) !== null;
}

function fromSource(name: string, src: ByteSource): CaptureReader {
  if (!src.ensure(4)) {
    if (src.ioError) throw headerError(name, 'io', `read failed: ${src.ioError.message}`);
    throw headerError(
      name,
      'cut-short',
      src.available === 0
        ? 'empty file: not a pcap or pcapng capture'
        : `only ${src.available} bytes: not a pcap or pcapng capture`,
    );
  }
  const magic = be32(src.buf, src.pos);
  if (magic === BT_SHB) return new PcapngReader(name, src);
  if (pcapMagic(magic)) return new PcapReader(name, src);
  throw headerError(
    name,
    'corrupt',
    `not a pcap or pcapng file (magic 0x${magic.toString(16).padStart(8, '0')}${hint(src.buf, src.pos)})`,
  );
}

/** An error of the file as a whole (record 0 at byte 0): it cannot be opened or is no capture. */
function headerError(file: string, kind: CaptureErrorKind, reason: string): CaptureError {
  return new CaptureError({ kind, file, record: 0, byteOffset: 0, reason });
}

function hint(b: Uint8Array, p: number): string {
  if (b[p] === 0x1f && b[p + 1] === 0x8b) return ': gzip-compressed, gunzip it first';
  if (b[p] === 0x28 && b[p + 1] === 0xb5 && b[p + 2] === 0x2f && b[p + 3] === 0xfd)
    return ': zstd-compressed, unzstd it first';
  if (b[p] === 0x42 && b[p + 1] === 0x5a && b[p + 2] === 0x68)
    return ': bzip2-compressed, bunzip2 it first';
  if (b[p] === 0x50 && b[p + 1] === 0x4b && b[p + 2] === 0x03 && b[p + 3] === 0x04)
    return ': a zip archive, unzip it first';
  let text = true;
  for (let i = p; i < p + 4; i++) if (b[i] < 0x09 || b[i] > 0x7e) text = false;
  return text ? ': looks like text' : '';
}

function openFailure(err: NodeJS.ErrnoException): string {
  switch (err.code) {
    case 'ENOENT':
      return 'no such file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a directory';
    default:
      return err.message;
  }
}
