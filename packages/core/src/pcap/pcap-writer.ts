// Writing classic pcap: a streaming file writer (buffered, for the lab and `rope` output) and an
// in-memory encoder (tests). Files are written little-endian, as libpcap does on the machines we
// run on; the encoder can also write big-endian so tests cover both orders.
import { closeSync, openSync, writeSync } from 'node:fs';
import { putBe16, putBe32, putLe16, putLe32 } from '../bytes/endian.js';
import {
  NSEC_TCPDUMP_MAGIC,
  PCAP_FILE_HEADER,
  PCAP_RECORD_HEADER,
  PCAP_VERSION_MAJOR,
  PCAP_VERSION_MINOR,
  TCPDUMP_MAGIC,
} from './pcap-format.js';
import { LINKTYPE_RAW } from './link-type.js';
import { MAX_CAPLEN } from './capture-reader.js';

export interface PcapFormatOptions {
  /** LINKTYPE_* of every record (default 101, raw IP). */
  linkType?: number;
  /** Longer packets are cut to this many bytes (default 262144). */
  snaplen?: number;
  /** Nanosecond timestamps (magic a1b23c4d); default microseconds. */
  nanosecond?: boolean;
  /** Big-endian headers (default little-endian). */
  bigEndian?: boolean;
}

interface Resolved {
  linkType: number;
  snaplen: number;
  nanosecond: boolean;
  bigEndian: boolean;
}

function resolve(o: PcapFormatOptions): Resolved {
  const snaplen = o.snaplen ?? MAX_CAPLEN;
  if (!Number.isInteger(snaplen) || snaplen < 1 || snaplen > MAX_CAPLEN) {
    throw new RangeError(`snaplen ${snaplen} outside 1…${MAX_CAPLEN}`);
  }
  const linkType = o.linkType ?? LINKTYPE_RAW;
  if (!Number.isInteger(linkType) || linkType < 0 || linkType > 0xffff)
    throw new RangeError(`link type ${linkType} outside 0…65535`);
  return { linkType, snaplen, nanosecond: o.nanosecond ?? false, bigEndian: o.bigEndian ?? false };
}

function putFileHeader(o: Resolved, b: Uint8Array, off: number): void {
  const u16 = o.bigEndian ? putBe16 : putLe16;
  const u32 = o.bigEndian ? putBe32 : putLe32;
  u32(b, off, o.nanosecond ? NSEC_TCPDUMP_MAGIC : TCPDUMP_MAGIC);
  u16(b, off + 4, PCAP_VERSION_MAJOR);
  u16(b, off + 6, PCAP_VERSION_MINOR);
  u32(b, off + 8, 0); // thiszone: timestamps are UTC
  u32(b, off + 12, 0); // sigfigs
  u32(b, off + 16, o.snaplen);
  u32(b, off + 20, o.linkType);
}

/** Writes a record header; returns the captured length. Throws RangeError for a bad timestamp. */
function putRecordHeader(
  o: Resolved,
  b: Uint8Array,
  off: number,
  length: number,
  tsSec: number,
  tsNsec: number,
  originalLength: number,
): number {
  if (!Number.isInteger(tsSec) || tsSec < 0 || tsSec > 0xffffffff)
    throw new RangeError(`timestamp seconds ${tsSec} outside 0…2^32-1`);
  if (!Number.isInteger(tsNsec) || tsNsec < 0 || tsNsec >= 1e9)
    throw new RangeError(`timestamp nanoseconds ${tsNsec} outside 0…999999999`);
  if (!Number.isInteger(originalLength) || originalLength < length || originalLength > 0xffffffff) {
    throw new RangeError(`original length ${originalLength} below the ${length} bytes given`);
  }
  const caplen = Math.min(length, o.snaplen);
  const u32 = o.bigEndian ? putBe32 : putLe32;
  u32(b, off, tsSec);
  u32(b, off + 4, o.nanosecond ? tsNsec : Math.floor(tsNsec / 1000));
  u32(b, off + 8, caplen);
  u32(b, off + 12, originalLength);
  return caplen;
}

const BUFFER_SIZE = 64 * 1024;

/** Streams packets into a new pcap file (truncating an existing one). */
export class PcapWriter {
  private readonly opts: Resolved;
  private fd: number;
  private readonly buf = Buffer.allocUnsafe(BUFFER_SIZE);
  private used = 0;
  /** Records written so far. */
  count = 0;

  constructor(
    readonly path: string,
    options: PcapFormatOptions = {},
  ) {
    this.opts = resolve(options);
    this.fd = openSync(path, 'w');
    putFileHeader(this.opts, this.buf, 0);
    this.used = PCAP_FILE_HEADER;
  }

  /**
   * Appends one frame (of the writer's link type), cut to the snaplen. `originalLength` is the
   * length on the wire when `bytes` is already a cut copy.
   */
  write(bytes: Uint8Array, tsSec: number, tsNsec = 0, originalLength = bytes.length): void {
    if (this.fd < 0) throw new Error(`${this.path}: write after close`);
    if (this.used + PCAP_RECORD_HEADER > BUFFER_SIZE) this.flush();
    const caplen = putRecordHeader(
      this.opts,
      this.buf,
      this.used,
      bytes.length,
      tsSec,
      tsNsec,
      originalLength,
    );
    this.used += PCAP_RECORD_HEADER;
    if (this.used + caplen <= BUFFER_SIZE) {
      this.buf.set(bytes.subarray(0, caplen), this.used);
      this.used += caplen;
    } else {
      this.flush();
      writeAll(this.fd, bytes.subarray(0, caplen));
    }
    this.count++;
  }

  /** Writes buffered records to the file. */
  flush(): void {
    if (this.used > 0) writeAll(this.fd, this.buf.subarray(0, this.used));
    this.used = 0;
  }

  close(): void {
    if (this.fd < 0) return;
    try {
      this.flush();
    } finally {
      closeSync(this.fd);
      this.fd = -1;
    }
  }
}

function writeAll(fd: number, b: Uint8Array): void {
  let off = 0;
  while (off < b.length) off += writeSync(fd, b, off, b.length - off);
}

export interface PcapRecordInput {
  data: Uint8Array;
  tsSec?: number;
  tsNsec?: number;
  /** Defaults to `data.length`. */
  originalLength?: number;
}

/** A whole pcap file in memory. */
export function encodePcap(
  records: readonly PcapRecordInput[],
  linkType = LINKTYPE_RAW,
  options: PcapFormatOptions = {},
): Uint8Array {
  const o = resolve({ ...options, linkType });
  let size = PCAP_FILE_HEADER;
  for (const r of records) size += PCAP_RECORD_HEADER + Math.min(r.data.length, o.snaplen);
  const out = new Uint8Array(size);
  putFileHeader(o, out, 0);
  let p = PCAP_FILE_HEADER;
  for (const r of records) {
    const caplen = putRecordHeader(
      o,
      out,
      p,
      r.data.length,
      r.tsSec ?? 0,
      r.tsNsec ?? 0,
      r.originalLength ?? r.data.length,
    );
    p += PCAP_RECORD_HEADER;
    out.set(r.data.subarray(0, caplen), p);
    p += caplen;
  }
  return out;
}
