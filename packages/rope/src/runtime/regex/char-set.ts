// Sets of UTF-16 code units as a pattern writes them, and what they match in a subject. Subjects
// are byte strings (latin1, one code unit ≤ 0xFF per byte), so a set is finally resolved to a
// table of 257 entries: the 256 bytes and one symbol standing for any code unit above 0xFF
// (which rope strings never hold; it is there so that no input can fall outside the table).
// Case folding follows JavaScript's non-Unicode `i` flag: two characters match when their
// canonical forms (upper case, never mapping a non-ASCII character to ASCII) are equal.

/** The symbol a code unit above 0xFF is matched as. */
export const OTHER = 256;
/** Table size: the bytes and OTHER. */
export const SYMBOLS = 257;
/** The code unit that decides whether a set matches OTHER. */
const OTHER_SAMPLE = 0x2603;
const MAX_UNIT = 0xffff;

/** A code unit's canonical form under JavaScript's non-Unicode `i` flag. */
export function canonicalize(ch: number): number {
  const s = String.fromCharCode(ch).toUpperCase();
  if (s.length !== 1) return ch;
  const cu = s.charCodeAt(0);
  return ch >= 128 && cu < 128 ? ch : cu;
}

/**
 * The code units above 0xFF that fold together with a byte: µ with Μ and μ, ÿ with Ÿ. Finding
 * them means canonicalising all 65,536 code units, which cost ~8 ms of every start that compiles
 * a case-insensitive pattern (the built-in scripts have some), so the answer is kept here;
 * char-set.test.ts makes the whole search again and fails if this Node's Unicode data differs.
 */
export const FOLDS_ABOVE_BYTES: ReadonlyMap<number, readonly number[]> = new Map([
  [0xb5, [0x39c, 0x3bc]],
  [0xff, [0x178]],
]);

/** For each byte: every code unit with the same canonical form (made on first use). */
let foldClasses: number[][] | null = null;

/** Every code unit that matches `byte` when case is ignored, the byte included. */
export function foldClass(byte: number): readonly number[] {
  if (!foldClasses) {
    const byCanon = new Map<number, number[]>();
    const canon: number[] = [];
    for (let b = 0; b < 256; b++) {
      canon.push(canonicalize(b));
      const members = byCanon.get(canon[b]);
      if (members) members.push(b);
      else byCanon.set(canon[b], [b]);
    }
    foldClasses = [];
    for (let b = 0; b < 256; b++)
      foldClasses.push([...byCanon.get(canon[b])!, ...(FOLDS_ABOVE_BYTES.get(b) ?? [])]);
  }
  return foldClasses[byte];
}

export class CharSet {
  private constructor(
    /** Sorted, disjoint, non-adjacent [lo, hi] pairs of code units. */
    private readonly ranges: readonly number[],
    /** `[^…]`: the class matches what the set (after case folding) does not. */
    private readonly invert = false,
  ) {}

  static of(unit: number): CharSet {
    return new CharSet([unit, unit]);
  }

  static range(lo: number, hi: number): CharSet {
    return new CharSet([lo, hi]);
  }

  static union(sets: readonly CharSet[]): CharSet {
    const pairs: [number, number][] = [];
    for (const s of sets)
      for (let i = 0; i < s.ranges.length; i += 2) pairs.push([s.ranges[i], s.ranges[i + 1]]);
    pairs.sort((a, b) => a[0] - b[0]);
    const out: number[] = [];
    for (const [lo, hi] of pairs) {
      const n = out.length;
      if (n > 0 && lo <= out[n - 1] + 1) out[n - 1] = Math.max(out[n - 1], hi);
      else out.push(lo, hi);
    }
    return new CharSet(out);
  }

  /** Every code unit `.` matches: all but the line terminators. */
  static dot(): CharSet {
    return CharSet.union([
      CharSet.of(0x0a),
      CharSet.of(0x0d),
      CharSet.range(0x2028, 0x2029),
    ]).negated();
  }

  /** The complement as a set (for `\D`, `\W`, `\S`). */
  negated(): CharSet {
    const out: number[] = [];
    let next = 0;
    for (let i = 0; i < this.ranges.length; i += 2) {
      if (this.ranges[i] > next) out.push(next, this.ranges[i] - 1);
      next = this.ranges[i + 1] + 1;
    }
    if (next <= MAX_UNIT) out.push(next, MAX_UNIT);
    return new CharSet(out);
  }

  /** The `[^…]` of this set. */
  inverted(): CharSet {
    return new CharSet(this.ranges, !this.invert);
  }

  /** The code unit when the set is exactly one, else null. */
  single(): number | null {
    return !this.invert && this.ranges.length === 2 && this.ranges[0] === this.ranges[1]
      ? this.ranges[0]
      : null;
  }

  private has(unit: number): boolean {
    for (let i = 0; i < this.ranges.length; i += 2) {
      if (unit < this.ranges[i]) return false;
      if (unit <= this.ranges[i + 1]) return true;
    }
    return false;
  }

  /** resolve's tables, kept: a set unrolled by a count (`[0-9]{1,3}`) is resolved once. */
  private exact: Uint8Array | null = null;
  private folded: Uint8Array | null = null;

  /** Which of the SYMBOLS the set matches: 1 or 0 per symbol. Shared: never write to it. */
  resolve(ignoreCase: boolean): Uint8Array {
    const known = ignoreCase ? this.folded : this.exact;
    if (known !== null) return known;
    const out = this.table(ignoreCase);
    if (ignoreCase) this.folded = out;
    else this.exact = out;
    return out;
  }

  private table(ignoreCase: boolean): Uint8Array {
    // the bytes the ranges cover, filled range by range (a test of each byte against every range
    // was most of compiling the built-in scripts' patterns)
    const exact = new Uint8Array(SYMBOLS);
    const r = this.ranges;
    for (let i = 0; i < r.length && r[i] <= 0xff; i += 2)
      exact.fill(1, r[i], Math.min(r[i + 1], 0xff) + 1);
    let out = exact;
    if (ignoreCase) {
      out = new Uint8Array(SYMBOLS);
      for (let b = 0; b < 256; b++) {
        const members = foldClass(b);
        for (let k = 0; k < members.length; k++) {
          const u = members[k];
          if (u <= 0xff ? exact[u] === 1 : this.has(u)) {
            out[b] = 1;
            break;
          }
        }
      }
    }
    if (this.invert) for (let b = 0; b < 256; b++) out[b] ^= 1;
    out[OTHER] = this.has(OTHER_SAMPLE) !== this.invert ? 1 : 0;
    return out;
  }
}

export const DIGIT = CharSet.range(0x30, 0x39);
export const WORD = CharSet.union([
  DIGIT,
  CharSet.range(0x41, 0x5a),
  CharSet.of(0x5f),
  CharSet.range(0x61, 0x7a),
]);
/** JavaScript's WhiteSpace and LineTerminator. */
export const SPACE = CharSet.union([
  CharSet.range(0x09, 0x0d),
  CharSet.of(0x20),
  CharSet.of(0xa0),
  CharSet.of(0x1680),
  CharSet.range(0x2000, 0x200a),
  CharSet.range(0x2028, 0x2029),
  CharSet.of(0x202f),
  CharSet.of(0x205f),
  CharSet.of(0x3000),
  CharSet.of(0xfeff),
]);

/** Word characters for `\b`: ASCII letters, digits and `_` (non-Unicode patterns). */
export const IS_WORD: Uint8Array = WORD.resolve(false);
