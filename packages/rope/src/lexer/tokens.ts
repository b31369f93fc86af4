// The token vocabulary. Everything that is not whitespace, a comment, a bracket or a string is
// matched by one of the word-like tokens, with `Word` as the catch-all, so lexing never fails:
// a malformed word (`12ab`, `$X`, `01:2`) becomes a token the checker rejects with a precise
// message. `longer_alt: Word` makes a longer malformed word win over a valid prefix of it.
import type { TokenType } from 'chevrotain';
import { createToken, Lexer } from '../parser/chevrotain.js';

export const WhiteSpace = createToken({
  name: 'WhiteSpace',
  pattern: /[\s,]+/,
  group: Lexer.SKIPPED,
  line_breaks: true,
});
export const Comment = createToken({
  name: 'Comment',
  pattern: /#[^\n\r]*/,
  group: Lexer.SKIPPED,
  start_chars_hint: ['#'],
});

export const LCurly = createToken({ name: 'LCurly', pattern: '{' });
export const RCurly = createToken({ name: 'RCurly', pattern: '}' });
export const LParen = createToken({ name: 'LParen', pattern: '(' });
export const RParen = createToken({ name: 'RParen', pattern: ')' });

/**
 * A quoted string starting at `offset`: the closed form `"…"` on one line, or (`closed` false)
 * an unterminated one up to the end of its line. Scanned by hand rather than with a regular
 * expression: V8 runs `"(?:[^"\\]|\\.)*"` by backtracking, one stack frame per repetition, and a
 * literal of a few megabytes overflowed the stack (`RangeError` in the lexer).
 */
function scanString(text: string, offset: number, closed: boolean): [string] | null {
  if (text.charCodeAt(offset) !== 0x22) return null;
  let i = offset + 1;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 0x22) return closed ? [text.slice(offset, i + 1)] : null;
    if (c === 0x0a || c === 0x0d) break;
    if (c === 0x5c) {
      const n = text.charCodeAt(i + 1);
      if (i + 1 >= text.length || n === 0x0a || n === 0x0d) {
        i++; // a lone `\` ends an unterminated string
        break;
      }
      i += 2;
      continue;
    }
    i++;
  }
  return closed ? null : [text.slice(offset, i)];
}

/** A string on one line; escapes are decoded (and checked) when the AST is built. */
export const StringLit = createToken({
  name: 'StringLit',
  pattern: { exec: (text: string, offset: number) => scanString(text, offset, true) },
  line_breaks: false,
  start_chars_hint: ['"'],
});
/** A string with no closing quote on its line. */
export const OpenString = createToken({
  name: 'OpenString',
  pattern: { exec: (text: string, offset: number) => scanString(text, offset, false) },
  line_breaks: false,
  start_chars_hint: ['"'],
});

/**
 * Every character a word may start with, for Chevrotain's first-character dispatch (it cannot
 * derive them from a negated class): all Latin-1 characters except separators and brackets, and
 * one character per 256-code-point bucket above (the lexer dispatches those by bucket).
 */
function wordStartChars(): number[] {
  const out: number[] = [];
  for (let c = 0x21; c < 0x100; c++) if (!/[\s,{}()"#]/.test(String.fromCharCode(c))) out.push(c);
  for (let c = 0x100; c <= 0xffff; c += 0x100) out.push(c);
  return out;
}

/** Catch-all for any other run of characters; always an error when it reaches the checker. */
export const Word = createToken({
  name: 'Word',
  pattern: /[^\s,{}()"#]+/,
  start_chars_hint: wordStartChars(),
});

/** `00:0F:1F:5C:30:21`: two or more parts of two hex digits. */
export const ColonHex = createToken({
  name: 'ColonHex',
  pattern: /[0-9A-Fa-f]{2}(?::[0-9A-Fa-f]{2})+/,
  longer_alt: Word,
});
function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/** `\d+(?:\.\d+)+` at `offset`, scanned by hand for the same reason as strings. */
function scanDotted(text: string, offset: number): [string] | null {
  let i = offset;
  while (isDigit(text.charCodeAt(i))) i++;
  if (i === offset) return null;
  let parts = 1;
  while (text.charCodeAt(i) === 0x2e && isDigit(text.charCodeAt(i + 1))) {
    i += 2;
    while (isDigit(text.charCodeAt(i))) i++;
    parts++;
  }
  return parts > 1 ? [text.slice(offset, i)] : null;
}

/** `192.168.0.10`: two or more decimal parts. */
export const Dotted = createToken({
  name: 'Dotted',
  pattern: { exec: scanDotted },
  line_breaks: false,
  start_chars_hint: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
  longer_alt: Word,
});
/** Decimal, `0x` hex or leading-zero octal, optionally negative. */
export const Integer = createToken({
  name: 'Integer',
  pattern: /-?(?:0[xX][0-9A-Fa-f]+|\d+)/,
  longer_alt: Word,
});
/** `$` and whatever name follows; the name is validated by the checker. */
export const Register = createToken({
  name: 'Register',
  pattern: /\$[^\s,{}()"#]*/,
  start_chars_hint: ['$'],
});
/** A verb or a symbolic constant. */
export const Identifier = createToken({
  name: 'Identifier',
  pattern: /[A-Za-z_][A-Za-z0-9_]*/,
  longer_alt: Word,
});

/** In matching order: the first pattern that matches wins unless its `longer_alt` matches longer. */
export const allTokens: TokenType[] = [
  WhiteSpace,
  Comment,
  LCurly,
  RCurly,
  LParen,
  RParen,
  StringLit,
  OpenString,
  ColonHex,
  Dotted,
  Integer,
  Register,
  Identifier,
  Word,
];
