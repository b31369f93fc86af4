// Streaming reader for pcapng: several sections (each in its own byte order), several interfaces
// per section (each with its link type, snap length, `if_tsresol` and `if_tsoffset`), Enhanced,
// Simple and obsolete Packet Blocks; every other block type is skipped by its length without being
// loaded. Hard errors: a block length below 12, not a multiple of 4, above 16 MiB for a block
// that must be loaded, a trailing length that differs from the leading one, a packet block naming
// an interface the section has not described, a captured length that overruns its block or
// exceeds MAX_CAPLEN, a byte-order magic that is neither order, a major version other than 1, and
// a file that ends inside a block (cut short). Tolerated: unknown block types and options, a
// section length that does not match (most writers leave it -1), captured length above the
// interface's snaplen or the original length.
import { be16, be32, le16, le32 } from '../bytes/endian.js';
import type { ByteSource } from './byte-source.js';
import type { CaptureError } from './capture-error.js';
import { FormatReader, MAX_CAPLEN, type CaptureRecord } from './capture-reader.js';
import {
  BLOCK_OVERHEAD,
  blockName,
  BT_EPB,
  BT_IDB,
  BT_PB,
  BT_SHB,
  BT_SPB,
  BYTE_ORDER_MAGIC,
  EPB_MIN,
  IDB_MIN,
  IF_TSOFFSET,
  IF_TSRESOL,
  MAX_BLOCKSIZE,
  OPT_ENDOFOPT,
  PB_MIN,
  PCAP_NG_VERSION_MAJOR,
  SHB_MIN,
  SPB_MIN,
} from './pcapng-format.js';
import { describeTsresol, MICROSECONDS, TsResolution } from './pcapng-timestamp.js';

/** One Interface Description Block of the current section. */
export interface PcapngInterface {
  linkType: number;
  /** 0 means no limit. */
  snaplen: number;
  tsresol: TsResolution;
  /** `if_tsoffset`: seconds added to every timestamp. */
  tsOffset: number;
}

const BYTE_ORDER_MAGIC_SWAPPED = 0x4d3c2b1a;

export class PcapngReader extends FormatReader {
  override readonly format = 'pcapng';
  /** Interfaces of the current section, by interface id. */
  interfaces: PcapngInterface[] = [];
  /** Sections seen so far. */
  sections = 0;
  /** Interfaces described in earlier sections: records number interfaces file-wide, as Wireshark does. */
  private interfaceBase = 0;
  bigEndian = false;
  private u16: (b: Uint8Array, o: number) => number = le16;
  private u32: (b: Uint8Array, o: number) => number = le32;

  /** Reads the first Section Header Block from `src` (positioned at byte 0). Throws CaptureError. */
  constructor(path: string, src: ByteSource) {
    super(path, src);
    this.readSectionHeader();
  }

  override next(): CaptureRecord | null {
    if (this.closed) return null;
    const s = this.src;
    for (;;) {
      if (!s.ensure(8)) {
        if (s.ioError) throw this.ioFail(s.ioError);
        if (s.available === 0) return null;
        throw this.fail(
          s.offset,
          `file ends ${s.available} bytes into a block header: the capture was cut short (e.g. the capturing program was killed while writing); all earlier records are intact`,
          'cut-short',
        );
      }
      const type = this.u32(s.buf, s.pos);
      if (type === BT_SHB) {
        this.readSectionHeader();
        continue;
      }
      const len = this.u32(s.buf, s.pos + 4);
      this.checkLength(type, len);
      if (type === BT_EPB || type === BT_SPB || type === BT_PB) {
        this.load(type, len);
        const r = this.readPacket(type, len);
        s.pos += len;
        return r;
      }
      if (type === BT_IDB) {
        this.load(type, len);
        this.readInterface(len);
        s.pos += len;
        continue;
      }
      this.skipBlock(type, len);
    }
  }

  private readSectionHeader(): void {
    const s = this.src;
    const at = s.offset;
    if (!s.ensure(12)) {
      if (s.ioError) throw this.ioFail(s.ioError);
      throw this.fail(
        at,
        `section header block needs at least ${SHB_MIN} bytes, the file has ${s.available} left: the capture was cut short`,
        'cut-short',
      );
    }
    const bom = be32(s.buf, s.pos + 8);
    if (bom === BYTE_ORDER_MAGIC) {
      this.bigEndian = true;
      this.u16 = be16;
      this.u32 = be32;
    } else if (bom === BYTE_ORDER_MAGIC_SWAPPED) {
      this.bigEndian = false;
      this.u16 = le16;
      this.u32 = le32;
    } else {
      throw this.fail(
        at,
        `section header byte-order magic is 0x${hex8(bom)}, neither 1a2b3c4d nor 4d3c2b1a: not a pcapng section`,
      );
    }
    const len = this.u32(s.buf, s.pos + 4);
    this.checkLength(BT_SHB, len);
    if (len < SHB_MIN)
      throw this.fail(
        at,
        `section header block of ${len} bytes is shorter than its ${SHB_MIN}-byte minimum`,
      );
    this.load(BT_SHB, len);
    const major = this.u16(s.buf, s.pos + 12);
    const minor = this.u16(s.buf, s.pos + 14);
    if (major !== PCAP_NG_VERSION_MAJOR) {
      throw this.fail(
        at,
        `pcapng version ${major}.${minor} is not supported (only 1.x)`,
        'unsupported',
      );
    }
    this.interfaceBase += this.interfaces.length;
    this.interfaces = [];
    this.sections++;
    s.pos += len;
  }

  private readInterface(len: number): void {
    const s = this.src;
    const b = s.buf;
    const p = s.pos;
    if (len < IDB_MIN)
      throw this.fail(
        s.offset,
        `interface description block of ${len} bytes is shorter than its ${IDB_MIN}-byte minimum`,
      );
    const iface: PcapngInterface = {
      linkType: this.u16(b, p + 8),
      snaplen: this.u32(b, p + 12),
      tsresol: MICROSECONDS,
      tsOffset: 0,
    };
    const end = p + len - 4;
    let o = p + 16;
    while (o + 4 <= end) {
      const code = this.u16(b, o);
      const olen = this.u16(b, o + 2);
      if (code === OPT_ENDOFOPT) break;
      if (o + 4 + olen > end) {
        throw this.fail(
          s.offset,
          `interface description block option ${code} of ${olen} bytes runs past the end of the block`,
        );
      }
      if (code === IF_TSRESOL && olen >= 1) {
        try {
          iface.tsresol = new TsResolution(b[o + 4]);
        } catch {
          throw this.fail(
            s.offset,
            `interface ${this.interfaces.length}: timestamp resolution ${describeTsresol(b[o + 4])} s is not supported`,
            'unsupported',
          );
        }
      } else if (code === IF_TSOFFSET && olen >= 8) {
        const hi = this.bigEndian ? this.u32(b, o + 4) : this.u32(b, o + 8);
        const lo = this.bigEndian ? this.u32(b, o + 8) : this.u32(b, o + 4);
        iface.tsOffset = (hi | 0) * 4294967296 + lo;
      }
      o += 4 + ((olen + 3) & ~3);
    }
    this.interfaces.push(iface);
  }

  private readPacket(type: number, len: number): CaptureRecord {
    const s = this.src;
    const b = s.buf;
    const p = s.pos;
    const r = this.rec;
    let ifid: number;
    let caplen: number;
    let data: number;
    if (type === BT_SPB) {
      if (len < SPB_MIN) throw this.tooShort(type, len, SPB_MIN);
      if (this.interfaces.length === 0) {
        throw this.fail(
          s.offset,
          'simple packet block, but the section has described no interface',
        );
      }
      ifid = 0;
      const iface = this.interfaces[0];
      r.originalLength = this.u32(b, p + 8);
      // the captured length is implied: the original length, cut to the snaplen and the block
      caplen = Math.min(r.originalLength, len - SPB_MIN);
      if (iface.snaplen > 0 && iface.snaplen < caplen) caplen = iface.snaplen;
      data = p + 12;
      r.tsSec = 0;
      r.tsNsec = 0;
    } else {
      const min = type === BT_EPB ? EPB_MIN : PB_MIN;
      if (len < min) throw this.tooShort(type, len, min);
      ifid = type === BT_EPB ? this.u32(b, p + 8) : this.u16(b, p + 8);
      caplen = this.u32(b, p + 20);
      r.originalLength = this.u32(b, p + 24);
      data = p + 28;
      if (ifid >= this.interfaces.length) {
        throw this.fail(
          s.offset,
          `${blockName(type)} refers to interface ${ifid}, but the section has described ${this.interfaces.length === 0 ? 'no interface' : `only interfaces 0…${this.interfaces.length - 1}`}`,
        );
      }
      if (caplen > len - min) {
        throw this.fail(
          s.offset,
          `${blockName(type)} claims ${caplen} captured bytes but the ${len}-byte block has room for ${len - min}`,
        );
      }
      const iface = this.interfaces[ifid];
      iface.tsresol.split(this.u32(b, p + 12), this.u32(b, p + 16), r);
      r.tsSec += iface.tsOffset;
    }
    if (caplen > MAX_CAPLEN) {
      throw this.fail(
        s.offset,
        `captured length ${caplen} exceeds the ${MAX_CAPLEN}-byte maximum: the block is corrupt`,
      );
    }
    r.index = ++this.count;
    r.buf = b;
    r.offset = data;
    r.length = caplen;
    r.linkType = this.interfaces[ifid].linkType;
    r.interfaceId = this.interfaceBase + ifid;
    r.fileOffset = s.offset;
    return r;
  }

  private checkLength(type: number, len: number): void {
    if (len < BLOCK_OVERHEAD) {
      throw this.fail(
        this.src.offset,
        `${blockName(type)} has length ${len}, below the ${BLOCK_OVERHEAD}-byte minimum of any block`,
      );
    }
    if (len % 4 !== 0) {
      throw this.fail(this.src.offset, `${blockName(type)} has length ${len}, not a multiple of 4`);
    }
  }

  /** Brings the whole block into the buffer and checks its trailing length. */
  private load(type: number, len: number): void {
    const s = this.src;
    const at = s.offset;
    if (len > MAX_BLOCKSIZE) {
      throw this.fail(
        at,
        `${blockName(type)} claims ${len} bytes, above the ${MAX_BLOCKSIZE}-byte limit: its length is corrupt`,
      );
    }
    if (!s.ensure(len)) {
      if (s.ioError) throw this.ioFail(s.ioError);
      throw this.fail(
        at,
        `${blockName(type)} claims ${len} bytes but the file ends ${s.available} bytes into it: the capture was cut short (e.g. the capturing program was killed while writing) or the length is corrupt; all earlier records are intact`,
        'cut-short',
      );
    }
    const trailer = this.u32(s.buf, s.pos + len - 4);
    if (trailer !== len) {
      throw this.fail(
        at,
        `${blockName(type)} starts with length ${len} but ends with length ${trailer}: the block is corrupt`,
      );
    }
  }

  private skipBlock(type: number, len: number): void {
    const s = this.src;
    const at = s.offset;
    if (!s.skip(len - 4) || !s.ensure(4)) {
      if (s.ioError) throw this.ioFail(s.ioError);
      throw this.fail(
        at,
        `${blockName(type)} claims ${len} bytes but the file ends before its end: the capture was cut short or the length is corrupt; all earlier records are intact`,
        'cut-short',
      );
    }
    const trailer = this.u32(s.buf, s.pos);
    if (trailer !== len) {
      throw this.fail(
        at,
        `${blockName(type)} starts with length ${len} but ends with length ${trailer}: the block is corrupt`,
      );
    }
    s.pos += 4;
  }

  private tooShort(type: number, len: number, min: number): CaptureError {
    return this.fail(
      this.src.offset,
      `${blockName(type)} of ${len} bytes is shorter than its ${min}-byte minimum`,
    );
  }
}

function hex8(n: number): string {
  return n.toString(16).padStart(8, '0');
}
