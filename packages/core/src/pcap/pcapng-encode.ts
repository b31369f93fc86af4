// Writing pcapng in memory, block by block, in either byte order: for tests (several sections and
// interfaces, every packet block type, timestamp resolutions) and for tools that want to keep
// per-interface link types in one file.
import { putBe16, putBe32, putLe16, putLe32 } from '../bytes/endian.js';
import {
  BT_EPB,
  BT_IDB,
  BT_PB,
  BT_SHB,
  BT_SPB,
  BYTE_ORDER_MAGIC,
  IF_TSOFFSET,
  IF_TSRESOL,
  PCAP_NG_VERSION_MAJOR,
} from './pcapng-format.js';
import { DEFAULT_TSRESOL } from './pcapng-timestamp.js';

export interface PcapngOption {
  code: number;
  value: Uint8Array;
}

export type PcapngBlockSpec =
  | {
      type: 'idb';
      linkType: number;
      snaplen?: number;
      /** `if_tsresol` byte (MSB set: 2^-n); omitted: the default 10^-6. */
      tsresol?: number;
      /** `if_tsoffset` in seconds. */
      tsOffset?: number;
      options?: PcapngOption[];
    }
  | {
      type: 'epb' | 'pb';
      interfaceId: number;
      data: Uint8Array;
      tsSec?: number;
      tsNsec?: number;
      originalLength?: number;
      options?: PcapngOption[];
    }
  | { type: 'spb'; data: Uint8Array; originalLength?: number }
  /** Any block, body given as is (padded to 4 bytes). */
  | { type: 'raw'; blockType: number; body: Uint8Array };

export interface PcapngSectionSpec {
  bigEndian?: boolean;
  versionMajor?: number;
  blocks: PcapngBlockSpec[];
}

class Out {
  private parts: Uint8Array[] = [];
  constructor(readonly bigEndian: boolean) {}
  u16(v: number): Uint8Array {
    const b = new Uint8Array(2);
    (this.bigEndian ? putBe16 : putLe16)(b, 0, v);
    return b;
  }
  u32(v: number): Uint8Array {
    const b = new Uint8Array(4);
    (this.bigEndian ? putBe32 : putLe32)(b, 0, v >>> 0);
    return b;
  }
  u64(v: bigint): Uint8Array {
    const hi = Number((v >> 32n) & 0xffffffffn);
    const lo = Number(v & 0xffffffffn);
    return this.bigEndian
      ? concat([this.u32(hi), this.u32(lo)])
      : concat([this.u32(lo), this.u32(hi)]);
  }
  options(opts: PcapngOption[]): Uint8Array {
    if (opts.length === 0) return new Uint8Array(0);
    const parts: Uint8Array[] = [];
    for (const o of opts) parts.push(this.u16(o.code), this.u16(o.value.length), pad4(o.value));
    parts.push(new Uint8Array(4)); // opt_endofopt
    return concat(parts);
  }
  block(type: number, body: Uint8Array): void {
    const padded = pad4(body);
    const len = 12 + padded.length;
    this.parts.push(this.u32(type), this.u32(len), padded, this.u32(len));
  }
  bytes(): Uint8Array {
    return concat(this.parts);
  }
}

/** Timestamp in units of `tsresol`, less `tsOffset` seconds. */
function units(tsSec: number, tsNsec: number, tsresol: number, tsOffset: number): bigint {
  const ns = BigInt(tsSec - tsOffset) * 1_000_000_000n + BigInt(tsNsec);
  const e = BigInt(tsresol & 0x7f);
  const perSec = tsresol & 0x80 ? 1n << e : 10n ** e;
  return (ns * perSec) / 1_000_000_000n;
}

export function encodePcapng(sections: readonly PcapngSectionSpec[]): Uint8Array {
  const files: Uint8Array[] = [];
  for (const s of sections) {
    const out = new Out(s.bigEndian ?? false);
    out.block(
      BT_SHB,
      concat([
        out.u32(BYTE_ORDER_MAGIC),
        out.u16(s.versionMajor ?? PCAP_NG_VERSION_MAJOR),
        out.u16(0),
        out.u64(0xffffffffffffffffn),
      ]),
    );
    const ifs: { tsresol: number; tsOffset: number }[] = [];
    for (const b of s.blocks) {
      switch (b.type) {
        case 'idb': {
          const opts = [...(b.options ?? [])];
          if (b.tsresol !== undefined)
            opts.push({ code: IF_TSRESOL, value: Uint8Array.of(b.tsresol) });
          if (b.tsOffset !== undefined)
            opts.push({
              code: IF_TSOFFSET,
              value: out.u64(BigInt.asUintN(64, BigInt(b.tsOffset))),
            });
          out.block(
            BT_IDB,
            concat([out.u16(b.linkType), out.u16(0), out.u32(b.snaplen ?? 0), out.options(opts)]),
          );
          ifs.push({ tsresol: b.tsresol ?? DEFAULT_TSRESOL, tsOffset: b.tsOffset ?? 0 });
          break;
        }
        case 'epb':
        case 'pb': {
          const i = ifs[b.interfaceId] ?? { tsresol: DEFAULT_TSRESOL, tsOffset: 0 };
          const ts = units(b.tsSec ?? 0, b.tsNsec ?? 0, i.tsresol, i.tsOffset);
          const tsParts = [out.u32(Number(ts >> 32n)), out.u32(Number(ts & 0xffffffffn))];
          const id =
            b.type === 'epb'
              ? out.u32(b.interfaceId)
              : concat([out.u16(b.interfaceId), out.u16(0)]);
          const body = concat([
            id,
            ...tsParts,
            out.u32(b.data.length),
            out.u32(b.originalLength ?? b.data.length),
            pad4(b.data),
            out.options(b.options ?? []),
          ]);
          out.block(b.type === 'epb' ? BT_EPB : BT_PB, body);
          break;
        }
        case 'spb':
          out.block(BT_SPB, concat([out.u32(b.originalLength ?? b.data.length), pad4(b.data)]));
          break;
        case 'raw':
          out.block(b.blockType, b.body);
          break;
      }
    }
    files.push(out.bytes());
  }
  return concat(files);
}

function pad4(b: Uint8Array): Uint8Array {
  if (b.length % 4 === 0) return b;
  const out = new Uint8Array((b.length + 3) & ~3);
  out.set(b);
  return out;
}

function concat(parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
