// Streaming reader for classic pcap files (both byte orders, micro- and nanosecond, Kuznetzov's
// modified headers). What stops it: a captured length above MAX_CAPLEN (a lying header; libpcap
// refuses the same), and a file that ends inside a record header or its data (cut short).
// Tolerated as libpcap and Wireshark do: captured length above the file's snaplen or above the
// original length (delivered as recorded), a timestamp fraction of a second or more (carried into
// the seconds), any `thiszone`/`sigfigs`.
import { be16, be32, le16, le32 } from '../bytes/endian.js';
import type { ByteSource } from './byte-source.js';
import { FormatReader, MAX_CAPLEN, type CaptureRecord } from './capture-reader.js';
import {
  LT_LINKTYPE_MASK,
  PCAP_FILE_HEADER,
  PCAP_VERSION_MAJOR,
  pcapMagic,
  type PcapMagic,
} from './pcap-format.js';

export class PcapReader extends FormatReader {
  override readonly format = 'pcap';
  readonly bigEndian: boolean;
  readonly nanosecond: boolean;
  readonly versionMajor: number;
  readonly versionMinor: number;
  readonly snaplen: number;
  /** LINKTYPE_* of every record. */
  readonly linkType: number;
  private readonly recordHeader: number;
  private readonly u32: (b: Uint8Array, o: number) => number;
  private readonly fracPerSec: number;
  private readonly nsPerFrac: number;

  /** Reads the file header from `src` (positioned at byte 0). Throws CaptureError. */
  constructor(path: string, src: ByteSource) {
    super(path, src);
    if (!src.ensure(PCAP_FILE_HEADER)) {
      throw this.fail(
        0,
        `pcap file header needs ${PCAP_FILE_HEADER} bytes, the file has ${src.available}`,
        'cut-short',
      );
    }
    const b = src.buf;
    const p = src.pos;
    const magic = pcapMagic(be32(b, p)) as PcapMagic;
    this.bigEndian = magic.bigEndian;
    this.nanosecond = magic.nanosecond;
    this.recordHeader = magic.recordHeader;
    const u16 = magic.bigEndian ? be16 : le16;
    this.u32 = magic.bigEndian ? be32 : le32;
    this.versionMajor = u16(b, p + 4);
    this.versionMinor = u16(b, p + 6);
    if (this.versionMajor !== PCAP_VERSION_MAJOR) {
      throw this.fail(
        0,
        `pcap format version ${this.versionMajor}.${this.versionMinor} is not supported (only 2.x)`,
        'unsupported',
      );
    }
    this.snaplen = this.u32(b, p + 16);
    this.linkType = this.u32(b, p + 20) & LT_LINKTYPE_MASK;
    this.fracPerSec = magic.nanosecond ? 1e9 : 1e6;
    this.nsPerFrac = magic.nanosecond ? 1 : 1000;
    this.rec.linkType = this.linkType;
    src.pos += PCAP_FILE_HEADER;
  }

  override next(): CaptureRecord | null {
    if (this.closed) return null;
    const s = this.src;
    const hl = this.recordHeader;
    if (!s.ensure(hl)) {
      if (s.ioError) throw this.ioFail(s.ioError);
      if (s.available === 0) return null;
      throw this.fail(
        s.offset,
        `file ends ${s.available} bytes into a ${hl}-byte record header: the capture was cut short (e.g. tcpdump killed while writing); all earlier records are intact`,
        'cut-short',
      );
    }
    let b = s.buf;
    let p = s.pos;
    const u32 = this.u32;
    const caplen = u32(b, p + 8);
    if (caplen > MAX_CAPLEN) {
      throw this.fail(
        s.offset,
        `captured length ${caplen} exceeds the ${MAX_CAPLEN}-byte maximum: the record header is corrupt`,
      );
    }
    if (!s.ensure(hl + caplen)) {
      if (s.ioError) throw this.ioFail(s.ioError);
      throw this.fail(
        s.offset,
        `record claims ${caplen} captured bytes but the file ends ${s.available - hl} bytes into them: the capture was cut short (e.g. tcpdump killed while writing) or the length is corrupt; all earlier records are intact`,
        'cut-short',
      );
    }
    b = s.buf;
    p = s.pos;
    const r = this.rec;
    r.index = ++this.count;
    r.buf = b;
    r.offset = p + hl;
    r.length = caplen;
    r.originalLength = u32(b, p + 12);
    let sec = u32(b, p);
    let frac = u32(b, p + 4);
    if (frac >= this.fracPerSec) {
      const carry = Math.floor(frac / this.fracPerSec);
      sec += carry;
      frac -= carry * this.fracPerSec;
    }
    r.tsSec = sec;
    r.tsNsec = frac * this.nsPerFrac;
    r.fileOffset = s.offset;
    s.pos = p + hl + caplen;
    return r;
  }
}
