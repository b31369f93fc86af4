// l7-filter's regular-expression dialect → a JavaScript-syntax pattern that rope's linear-time
// matcher (runtime/regex/) runs with the same meaning. l7-filter's kernel match compiled its
// patterns with a Henry Spencer-style regexp library after decoding every `\xHH` into its byte;
// the quirks that follow from that, and how each is handled here, are listed in
// docs/l7-patterns.md. The result is meant to be run on data that has been lower-cased (ASCII
// only), as the kernel did to the connection's data: letters in the pattern match either case.
//
// Anything whose meaning in l7-filter is doubtful or differs from what a pattern's author
// probably meant is refused with the offset of the construct, never translated approximately.

/** Where in the regex line a construct is refused (0-based offset, length ≥ 1), and why. */
export class L7RegexError extends Error {
  override name = 'L7RegexError';
  constructor(
    readonly offset: number,
    readonly length: number,
    message: string,
  ) {
    super(message);
  }
}

/** One character of the pattern after `\xHH` decoding, with where it came from. */
interface Tok {
  byte: number;
  /** Offset in the regex line. */
  at: number;
  /** Characters of the line it stands for (4 for `\xHH`). */
  len: number;
  /** It was written `\xHH`: used as a metacharacter it would surprise (see refuseHex). */
  hex: boolean;
}

type Node =
  | { k: 'set'; set: Uint8Array } // 256 entries, 1 = member
  | { k: 'bol' }
  | { k: 'eol' }
  | { k: 'cat'; items: Node[] }
  | { k: 'alt'; items: Node[] }
  | { k: 'rep'; node: Node; op: '*' | '+' | '?' };

const isHex = (c: string | undefined): boolean => c !== undefined && /^[0-9A-Fa-f]$/.test(c);

/** `\xHH` decoded first, as l7-filter did before compiling the pattern. */
function decode(text: string): Tok[] {
  const out: Tok[] = [];
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code > 0xff)
      throw new L7RegexError(i, 1, `\`${text[i]}\` is not a byte: write non-ASCII bytes as \\xHH`);
    if (text[i] === '\\' && text[i + 1] === 'x' && isHex(text[i + 2]) && isHex(text[i + 3])) {
      const byte = parseInt(text.slice(i + 2, i + 4), 16);
      if (byte === 0)
        throw new L7RegexError(
          i,
          4,
          '`\\x00` ends the pattern in l7-filter (a C string), and the data it is matched against never holds a NUL',
        );
      out.push({ byte, at: i, len: 4, hex: true });
      i += 3;
    } else if (text[i] === '\\' && i + 1 < text.length) {
      // an escaped character stays escaped: `\\x41` is a backslash, then `x41`
      out.push({ byte: code, at: i, len: 1, hex: false });
      out.push({ byte: text.charCodeAt(i + 1), at: i + 1, len: 1, hex: false });
      i++;
    } else out.push({ byte: code, at: i, len: 1, hex: false });
  }
  return out;
}

const POSIX_CLASSES: Record<string, (b: number) => boolean> = {
  alpha: (b) => (b >= 65 && b <= 90) || (b >= 97 && b <= 122),
  digit: (b) => b >= 48 && b <= 57,
  alnum: (b) => (b >= 65 && b <= 90) || (b >= 97 && b <= 122) || (b >= 48 && b <= 57),
  upper: (b) => b >= 65 && b <= 90,
  lower: (b) => b >= 97 && b <= 122,
  space: (b) => b === 32 || (b >= 9 && b <= 13),
  blank: (b) => b === 32 || b === 9,
  punct: (b) => b >= 33 && b <= 126 && !POSIX_CLASSES.alnum(b),
  print: (b) => b >= 32 && b <= 126,
  graph: (b) => b >= 33 && b <= 126,
  cntrl: (b) => b < 32 || b === 127,
  xdigit: (b) => (b >= 48 && b <= 57) || (b >= 65 && b <= 70) || (b >= 97 && b <= 102),
};

const show = (b: number): string =>
  b >= 0x21 && b <= 0x7e ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, '0')}`;

class Parser {
  private i = 0;
  constructor(
    private readonly t: Tok[],
    private readonly text: string,
  ) {}

  private peek(): Tok | undefined {
    return this.t[this.i];
  }

  private is(c: string): boolean {
    const k = this.t[this.i];
    return k !== undefined && k.byte === c.charCodeAt(0);
  }

  private fail(tok: Tok | undefined, message: string): never {
    if (tok === undefined) throw new L7RegexError(Math.max(0, this.text.length - 1), 1, message);
    throw new L7RegexError(tok.at, tok.len, message);
  }

  /** A `\xHH` used where its byte is a metacharacter: l7-filter read it as the metacharacter. */
  private refuseHex(tok: Tok): void {
    if (tok.hex)
      this.fail(
        tok,
        `\`${this.text.slice(tok.at, tok.at + 4)}\` is \`${String.fromCharCode(tok.byte)}\`, which l7-filter (decoding \\xHH before compiling) read as a metacharacter, not as the byte; write \`\\${String.fromCharCode(tok.byte)}\` for the byte`,
      );
  }

  parse(): Node {
    const node = this.regexp(0);
    if (this.i < this.t.length) {
      const tok = this.t[this.i];
      this.refuseHex(tok);
      this.fail(tok, 'unmatched `)`');
    }
    return node;
  }

  private regexp(depth: number): Node {
    const branches = [this.branch(depth)];
    while (this.is('|')) {
      this.refuseHex(this.t[this.i]);
      this.i++;
      branches.push(this.branch(depth));
    }
    return branches.length === 1 ? branches[0] : { k: 'alt', items: branches };
  }

  private branch(depth: number): Node {
    const items: Node[] = [];
    while (this.i < this.t.length && !this.is('|') && !(this.is(')') && depth > 0)) {
      if (this.is(')')) break;
      items.push(this.piece(depth));
    }
    return items.length === 1 ? items[0] : { k: 'cat', items };
  }

  private piece(depth: number): Node {
    const start = this.peek()!;
    const atom = this.atom(depth);
    const q = this.peek();
    if (q === undefined || q.hex || !'*+?'.includes(String.fromCharCode(q.byte))) return atom;
    const op = String.fromCharCode(q.byte) as '*' | '+' | '?';
    if (op !== '?' && canBeEmpty(atom))
      this.fail(
        q,
        `\`${op}\` after something that can match nothing: l7-filter's regex library refuses it ("operand could be empty")`,
      );
    this.i++;
    const next = this.peek();
    if (next !== undefined && !next.hex && '*+?'.includes(String.fromCharCode(next.byte)))
      this.fail(
        next,
        'a repetition of a repetition (`a**`, `a+?`): l7-filter refuses it ("nested *?+")',
      );
    void start;
    return { k: 'rep', node: atom, op };
  }

  private atom(depth: number): Node {
    const tok = this.t[this.i++];
    const c = String.fromCharCode(tok.byte);
    if (!tok.hex) {
      switch (c) {
        case '^':
          return { k: 'bol' };
        case '$':
          return { k: 'eol' };
        case '.':
          return { k: 'set', set: new Uint8Array(256).fill(1) };
        case '[':
          return { k: 'set', set: this.bracket(tok) };
        case '(': {
          const inner = this.regexp(depth + 1);
          if (!this.is(')')) this.fail(tok, 'unmatched `(`');
          this.refuseHex(this.t[this.i]);
          this.i++;
          return inner;
        }
        case '*':
        case '+':
        case '?':
          this.fail(tok, `\`${c}\` follows nothing: l7-filter refuses it ("?+* follows nothing")`);
        // falls through (fail never returns)
        case '\\': {
          const next = this.t[this.i++];
          if (next === undefined) this.fail(tok, 'trailing `\\`: it escapes nothing');
          const n = String.fromCharCode(next.byte);
          if (/[0-9A-Za-z]/.test(n))
            this.fail(
              tok,
              `\`\\${n}\` is just the character \`${n}\` in l7-filter's regex (only \\xHH is an escape sequence); write \`${n}\`${/[dswDSW]/.test(n) ? ' or a bracket expression such as [0-9]' : ''}`,
            );
          return { k: 'set', set: single(next.byte) };
        }
        case '{':
          if (/^\{\d+(,\d*)?\}/.test(this.text.slice(tok.at)))
            this.fail(
              tok,
              "counted repetition `{m,n}` is not in l7-filter's kernel regex, which reads `{` as a plain character; write `\\{` for the character, or repeat the atom",
            );
          break;
      }
    } else if ('^$.[()*+?\\|'.includes(c)) this.refuseHex(tok);
    return { k: 'set', set: single(tok.byte) };
  }

  /** `[…]` after its `[`: Spencer's rules (no escapes inside), plus POSIX classes. */
  private bracket(open: Tok): Uint8Array {
    const set = new Uint8Array(256);
    let negate = false;
    if (this.is('^')) {
      this.refuseHex(this.t[this.i]);
      negate = true;
      this.i++;
    }
    let first = true;
    let prev = -1;
    for (;;) {
      const tok = this.t[this.i];
      if (tok === undefined) this.fail(open, 'unmatched `[`');
      const c = String.fromCharCode(tok.byte);
      if (c === ']' && !first) {
        this.refuseHex(tok);
        this.i++;
        break;
      }
      if (c === '[' && this.t[this.i + 1]?.byte === 0x3a /* : */) {
        const rest = this.text.slice(tok.at);
        const m = /^\[:([a-z]*):\]/.exec(rest);
        const cls = m ? POSIX_CLASSES[m[1]] : undefined;
        if (!m || !cls)
          this.fail(
            tok,
            `unknown POSIX class \`${m ? m[0] : rest.slice(0, 10)}\`: l7-filter patterns may use [:${Object.keys(POSIX_CLASSES).join(':], [:')}:]`,
          );
        for (let b = 0; b < 256; b++) if (cls(b)) set[b] = 1;
        this.i += m[0].length;
        prev = -1;
        first = false;
        continue;
      }
      if (
        c === '-' &&
        !first &&
        this.t[this.i + 1] !== undefined &&
        this.t[this.i + 1].byte !== 0x5d
      ) {
        this.refuseHex(tok);
        const hiTok = this.t[this.i + 1];
        if (prev < 0) this.fail(tok, 'a range `-` after a POSIX class: write the range on its own');
        const hi = hiTok.byte;
        if (hi < prev)
          this.fail(hiTok, `invalid range \`${show(prev)}-${show(hi)}\`: it ends before it starts`);
        for (let b = prev; b <= hi; b++) set[b] = 1;
        this.i += 2;
        prev = -1;
        first = false;
        continue;
      }
      if (c === '\\' && !tok.hex && this.t[this.i + 1] !== undefined) {
        // Spencer's brackets have no escapes: `\` is itself. Harmless when what follows is also
        // taken as itself; a `\-` would start a range, which is never what was meant.
        const n = this.t[this.i + 1];
        if (n.byte === 0x2d && this.t[this.i + 2] !== undefined && this.t[this.i + 2].byte !== 0x5d)
          this.fail(
            tok,
            '`\\-` in a bracket expression: l7-filter reads `\\` as itself and `-` as a range from it (backslash to the next character); put `-` last, as in `[a-z_-]`, for a dash',
          );
      }
      set[tok.byte] = 1;
      prev = tok.byte;
      first = false;
      this.i++;
    }
    foldCase(set);
    if (negate) for (let b = 0; b < 256; b++) set[b] ^= 1;
    return set;
  }
}

function single(byte: number): Uint8Array {
  const set = new Uint8Array(256);
  set[byte] = 1;
  foldCase(set);
  return set;
}

/** Both cases of every ASCII letter in the set: patterns match case-insensitively. */
function foldCase(set: Uint8Array): void {
  for (let b = 65; b <= 90; b++) if (set[b] || set[b + 32]) set[b] = set[b + 32] = 1;
}

function canBeEmpty(n: Node): boolean {
  switch (n.k) {
    case 'set':
      return false;
    case 'bol':
    case 'eol':
      return true;
    case 'cat':
      return n.items.every(canBeEmpty);
    case 'alt':
      return n.items.some(canBeEmpty);
    case 'rep':
      return n.op !== '+' || canBeEmpty(n.node);
  }
}

// --- emitting JavaScript syntax ---

const JS_META = new Set('^$\\.*+?()[]{}|-'.split(''));

/** One byte as it may stand in a JavaScript pattern, in or out of a class. */
function lit(b: number): string {
  const c = String.fromCharCode(b);
  if (b >= 0x20 && b <= 0x7e) return JS_META.has(c) ? `\\${c}` : c;
  return `\\x${b.toString(16).padStart(2, '0')}`;
}

const isUpper = (b: number): boolean => b >= 65 && b <= 90;

/** The members (ranges) of a set, leaving out upper-case letters (the data has none). */
function ranges(member: (b: number) => boolean): string {
  let out = '';
  for (let b = 0; b < 256; b++) {
    if (!member(b) || isUpper(b)) continue;
    let e = b;
    while (e + 1 < 256 && member(e + 1) && !isUpper(e + 1)) e++;
    out += e === b ? lit(b) : e === b + 1 ? lit(b) + lit(e) : `${lit(b)}-${lit(e)}`;
    b = e;
  }
  return out;
}

function emitSet(set: Uint8Array): string {
  let n = 0;
  for (let b = 0; b < 256; b++) if (set[b] && !isUpper(b)) n++;
  if (n === 256 - 26) return '[\\x00-\\xff]';
  if (n === 1) for (let b = 0; b < 256; b++) if (set[b] && !isUpper(b)) return lit(b);
  const pos = ranges((b) => set[b] === 1);
  const neg = ranges((b) => set[b] === 0);
  return neg.length < pos.length ? `[^${neg}]` : `[${pos}]`;
}

function emit(n: Node, parent: 'top' | 'cat' | 'rep'): string {
  switch (n.k) {
    case 'set':
      return emitSet(n.set);
    case 'bol':
      return '^';
    case 'eol':
      return '$';
    case 'cat': {
      const s = n.items.map((x) => emit(x, 'cat')).join('');
      return parent === 'rep' ? `(?:${s})` : s;
    }
    case 'alt': {
      const s = n.items.map((x) => emit(x, 'top')).join('|');
      return parent === 'top' ? s : `(?:${s})`;
    }
    case 'rep': {
      const inner =
        n.node.k === 'bol' || n.node.k === 'eol'
          ? `(?:${emit(n.node, 'rep')})`
          : emit(n.node, 'rep');
      return inner + n.op;
    }
  }
}

/**
 * The JavaScript-syntax pattern for an l7-filter regex, to be matched (case-sensitively) against
 * ASCII-lower-cased data. Throws L7RegexError with the offset of what it refuses.
 */
export function translateL7Regex(text: string): string {
  if (text.length === 0) throw new L7RegexError(0, 1, 'the pattern is empty');
  const node = new Parser(decode(text), text).parse();
  return emit(node, 'top');
}
