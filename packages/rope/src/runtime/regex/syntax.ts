// JavaScript regular-expression syntax (the non-Unicode form `new RegExp(p)` and `new RegExp(p,
// 'i')` accept, Annex B included) → a small tree the linear-time matcher compiles. The caller
// has already let V8 validate the pattern, so this parser only has to read valid patterns; it
// refuses, with a reason, what a linear-time matcher cannot run: backreferences and
// lookarounds.
import { CharSet, DIGIT, SPACE, WORD } from './char-set.js';

export type Assertion = 'bol' | 'eol' | 'word' | 'not-word';

export type RegexNode =
  | { k: 'char'; set: CharSet }
  | { k: 'assert'; a: Assertion }
  | { k: 'cat'; items: RegexNode[] }
  | { k: 'alt'; items: RegexNode[] }
  | { k: 'repeat'; node: RegexNode; min: number; max: number };

/** A construct the matcher cannot run; the message says which and why. */
export class RegexRefused extends Error {
  override name = 'RegexRefused';
}

const EMPTY: RegexNode = { k: 'cat', items: [] };
const BRACES = /\{(\d+)(,(\d*))?\}/y;

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9';
}
function isHex(c: string | undefined): boolean {
  return c !== undefined && /^[0-9A-Fa-f]$/.test(c);
}
function isOctal(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '7';
}

/** Capturing groups and whether any is named: they decide what `\N` and `\k` mean. */
function countGroups(p: string): { groups: number; named: boolean } {
  let groups = 0;
  let named = false;
  for (let i = 0; i < p.length; i++) {
    const c = p[i];
    if (c === '\\') i++;
    else if (c === '[') {
      for (i++; i < p.length && p[i] !== ']'; i++) if (p[i] === '\\') i++;
    } else if (c === '(') {
      if (p[i + 1] !== '?') groups++;
      else if (p[i + 2] === '<' && p[i + 3] !== '=' && p[i + 3] !== '!') {
        groups++;
        named = true;
      }
    }
  }
  return { groups, named };
}

/** Groups may nest this deep (the parser and the compiler recurse per level). */
export const MAX_GROUP_DEPTH = 64;

class Parser {
  private i = 0;
  private depth = 0;
  private readonly groups: number;
  private readonly named: boolean;

  constructor(private readonly p: string) {
    ({ groups: this.groups, named: this.named } = countGroups(p));
  }

  parse(): RegexNode {
    const node = this.disjunction();
    if (this.i < this.p.length) throw new RegexRefused(`unexpected \`${this.p[this.i]}\``);
    return node;
  }

  private disjunction(): RegexNode {
    const alts = [this.alternative()];
    while (this.p[this.i] === '|') {
      this.i++;
      alts.push(this.alternative());
    }
    return alts.length === 1 ? alts[0] : { k: 'alt', items: alts };
  }

  private alternative(): RegexNode {
    const items: RegexNode[] = [];
    while (this.i < this.p.length && this.p[this.i] !== '|' && this.p[this.i] !== ')') {
      const atom = this.term();
      items.push(this.quantified(atom));
    }
    return items.length === 1 ? items[0] : { k: 'cat', items };
  }

  /** `{n}`, `{n,}`, `{n,m}` at the cursor, or null (Annex B: then `{` is a literal). */
  private braces(): { min: number; max: number; end: number } | null {
    BRACES.lastIndex = this.i;
    const m = BRACES.exec(this.p);
    if (!m) return null;
    const min = Number(m[1]);
    const max = m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3]);
    return { min, max, end: this.i + m[0].length };
  }

  private quantified(atom: RegexNode): RegexNode {
    const c = this.p[this.i];
    let min: number;
    let max: number;
    if (c === '*' || c === '+' || c === '?') {
      this.i++;
      [min, max] = c === '*' ? [0, Infinity] : c === '+' ? [1, Infinity] : [0, 1];
    } else if (c === '{') {
      const b = this.braces();
      if (!b) return atom;
      this.i = b.end;
      ({ min, max } = b);
    } else return atom;
    if (this.p[this.i] === '?') this.i++; // lazy: the same language, and only "is there a match" is asked
    return { k: 'repeat', node: atom, min, max };
  }

  private term(): RegexNode {
    const p = this.p;
    const c = p[this.i++];
    switch (c) {
      case '^':
        return { k: 'assert', a: 'bol' };
      case '$':
        return { k: 'assert', a: 'eol' };
      case '.':
        return { k: 'char', set: CharSet.dot() };
      case '[':
        return { k: 'char', set: this.charClass() };
      case '(':
        return this.group();
      case '\\':
        return this.atomEscape();
      default: // Annex B: also `{`, `}` and `]` that start nothing
        return { k: 'char', set: CharSet.of(c.charCodeAt(0)) };
    }
  }

  private group(): RegexNode {
    const p = this.p;
    if (p[this.i] === '?') {
      const kind = p.slice(this.i, this.i + 3);
      if (kind.startsWith('?=') || kind.startsWith('?!'))
        throw new RegexRefused(
          `lookahead \`(${kind.slice(0, 2)}…)\` is not supported: rope matches in linear time, without looking around`,
        );
      if (kind === '?<=' || kind === '?<!')
        throw new RegexRefused(
          `lookbehind \`(${kind}…)\` is not supported: rope matches in linear time, without looking around`,
        );
      if (kind.startsWith('?:')) this.i += 2;
      else if (kind.startsWith('?<')) this.i = p.indexOf('>', this.i) + 1;
    }
    if (++this.depth > MAX_GROUP_DEPTH)
      throw new RegexRefused(`groups nested more than ${MAX_GROUP_DEPTH} deep`);
    const inner = this.disjunction();
    this.depth--;
    this.i++; // `)`
    return inner;
  }

  private refuseBackreference(text: string): never {
    throw new RegexRefused(
      `backreferences (\`${text}\`) are not supported: matching them can take exponential time on hostile packets`,
    );
  }

  /** `\N` with N octal digits (Annex B), up to \377. */
  private legacyOctal(): number {
    const p = this.p;
    let v = 0;
    let n = 0;
    while (n < 3 && isOctal(p[this.i]) && v * 8 + Number(p[this.i]) <= 0o377) {
      v = v * 8 + Number(p[this.i++]);
      n++;
    }
    return v;
  }

  private atomEscape(): RegexNode {
    const p = this.p;
    const c = p[this.i];
    if (c === 'b' || c === 'B') {
      this.i++;
      return { k: 'assert', a: c === 'b' ? 'word' : 'not-word' };
    }
    if (c >= '1' && c <= '9') {
      const m = /^\d+/.exec(p.slice(this.i))![0];
      if (Number(m) <= this.groups) this.refuseBackreference(`\\${m}`);
      if (c === '8' || c === '9') {
        this.i++;
        return { k: 'char', set: CharSet.of(c.charCodeAt(0)) };
      }
      return { k: 'char', set: CharSet.of(this.legacyOctal()) };
    }
    if (c === 'k' && this.named)
      this.refuseBackreference(p.slice(this.i - 1, p.indexOf('>', this.i) + 1));
    return { k: 'char', set: this.characterEscape(false) };
  }

  /** After a `\` (outside or inside a class): a class escape or one character. */
  private characterEscape(inClass: boolean): CharSet {
    const p = this.p;
    const c = p[this.i++];
    switch (c) {
      case 'd':
        return DIGIT;
      case 'D':
        return DIGIT.negated();
      case 'w':
        return WORD;
      case 'W':
        return WORD.negated();
      case 's':
        return SPACE;
      case 'S':
        return SPACE.negated();
      case 't':
        return CharSet.of(9);
      case 'n':
        return CharSet.of(10);
      case 'v':
        return CharSet.of(11);
      case 'f':
        return CharSet.of(12);
      case 'r':
        return CharSet.of(13);
      case 'b': // only reached inside a class: backspace
        return CharSet.of(8);
      case 'c': {
        const l = p[this.i];
        if (l !== undefined && (/[A-Za-z]/.test(l) || (inClass && /[0-9_]/.test(l)))) {
          this.i++;
          return CharSet.of(l.charCodeAt(0) % 32);
        }
        this.i--; // Annex B: `\c` without a letter is a backslash, and `c` is read next
        return CharSet.of(0x5c);
      }
      case 'x':
        if (isHex(p[this.i]) && isHex(p[this.i + 1])) {
          this.i += 2;
          return CharSet.of(parseInt(p.slice(this.i - 2, this.i), 16));
        }
        return CharSet.of(c.charCodeAt(0));
      case 'u':
        if (/^[0-9A-Fa-f]{4}$/.test(p.slice(this.i, this.i + 4))) {
          this.i += 4;
          return CharSet.of(parseInt(p.slice(this.i - 4, this.i), 16));
        }
        return CharSet.of(c.charCodeAt(0));
      case '0':
        if (!isDigit(p[this.i])) return CharSet.of(0);
        this.i--;
        return CharSet.of(this.legacyOctal());
      default:
        if (isOctal(c) && inClass) {
          this.i--;
          return CharSet.of(this.legacyOctal());
        }
        return CharSet.of(c.charCodeAt(0));
    }
  }

  private classAtom(): CharSet {
    const c = this.p[this.i++];
    if (c === '\\') return this.characterEscape(true);
    return CharSet.of(c.charCodeAt(0));
  }

  private charClass(): CharSet {
    const p = this.p;
    let negate = false;
    if (p[this.i] === '^') {
      negate = true;
      this.i++;
    }
    const parts: CharSet[] = [];
    while (p[this.i] !== ']') {
      const a = this.classAtom();
      if (p[this.i] === '-' && p[this.i + 1] !== ']' && this.i + 1 < p.length) {
        this.i++;
        const b = this.classAtom();
        const lo = a.single();
        const hi = b.single();
        // Annex B: a range with a class escape at either end is the union of both and `-`
        if (lo === null || hi === null) parts.push(a, CharSet.of(0x2d), b);
        else parts.push(CharSet.range(lo, hi));
      } else parts.push(a);
    }
    this.i++; // `]`
    const set = CharSet.union(parts);
    return negate ? set.inverted() : set;
  }
}

/** The tree of a pattern V8 accepted; throws RegexRefused for what the matcher cannot run. */
export function parseRegex(pattern: string): RegexNode {
  return pattern === '' ? EMPTY : new Parser(pattern).parse();
}
