// pcapng timestamps: a 64-bit count of units since 1970, split in two 32-bit halves, where the unit
// is the interface's `if_tsresol` (10^-r or 2^-b seconds, default 10^-6) and `if_tsoffset` seconds
// are added. Converting to seconds + nanoseconds must stay exact beyond 2^53 (nanosecond counts
// since 1970 are ~2^61), so the common resolutions use 16-bit long division on plain numbers; only
// unusual ones (finer than 1 ns, or binary finer than 2^-32) fall back to BigInt.

/** Parsed `if_tsresol`; `code` is the option byte (MSB set: power of two). */
export class TsResolution {
  /** Units per second when decimal and ≤ 1e9; 0 otherwise. */
  private readonly decimalUnits: number;
  /** Nanoseconds per unit for the decimal fast path. */
  private readonly nsPerUnit: number;
  /** Binary exponent b (unit 2^-b) for the fast path, -1 otherwise. */
  private readonly binaryShift: number;
  private readonly bigUnits: bigint;

  constructor(readonly code: number) {
    const binary = (code & 0x80) !== 0;
    const e = code & 0x7f;
    if (binary ? e > 63 : e > 19)
      throw new RangeError(
        `if_tsresol ${describeTsresol(code)} is finer than a 64-bit timestamp can hold`,
      );
    this.decimalUnits = !binary && e <= 9 ? 10 ** e : 0;
    this.nsPerUnit = !binary && e <= 9 ? 10 ** (9 - e) : 0;
    this.binaryShift = binary && e <= 32 ? e : -1;
    this.bigUnits = binary ? 1n << BigInt(e) : 10n ** BigInt(e);
  }

  /** Splits the timestamp `hi:lo` into `out.tsSec` and `out.tsNsec` (nanoseconds, truncated). */
  split(hi: number, lo: number, out: { tsSec: number; tsNsec: number }): void {
    const d = this.decimalUnits;
    if (d !== 0) {
      // long division of the four 16-bit digits by d: every intermediate stays below 2^53
      let q = 0;
      let rem = 0;
      let cur = hi >>> 16;
      let qd = Math.floor(cur / d);
      rem = cur - qd * d;
      q = qd;
      cur = rem * 65536 + (hi & 0xffff);
      qd = Math.floor(cur / d);
      rem = cur - qd * d;
      q = q * 65536 + qd;
      cur = rem * 65536 + (lo >>> 16);
      qd = Math.floor(cur / d);
      rem = cur - qd * d;
      q = q * 65536 + qd;
      cur = rem * 65536 + (lo & 0xffff);
      qd = Math.floor(cur / d);
      rem = cur - qd * d;
      q = q * 65536 + qd;
      out.tsSec = q;
      out.tsNsec = rem * this.nsPerUnit;
      return;
    }
    const b = this.binaryShift;
    if (b >= 0) {
      if (b === 0) {
        out.tsSec = hi * 4294967296 + lo;
        out.tsNsec = 0;
        return;
      }
      const frac = b === 32 ? lo : lo & (2 ** b - 1);
      out.tsSec = hi * 2 ** (32 - b) + (b === 32 ? 0 : lo >>> b);
      // 1e9 = 2^9 · 1953125; frac · 1953125 < 2^53, and dividing by a power of two is exact
      out.tsNsec =
        b < 9 ? Math.floor((frac * 1e9) / 2 ** b) : Math.floor((frac * 1953125) / 2 ** (b - 9));
      return;
    }
    const v = (BigInt(hi) << 32n) | BigInt(lo);
    const u = this.bigUnits;
    out.tsSec = Number(v / u);
    out.tsNsec = Number(((v % u) * 1_000_000_000n) / u);
  }
}

export function describeTsresol(code: number): string {
  return code & 0x80 ? `2^-${code & 0x7f}` : `10^-${code & 0x7f}`;
}

/** The default: microseconds. */
export const DEFAULT_TSRESOL = 6;
export const MICROSECONDS = new TsResolution(DEFAULT_TSRESOL);
