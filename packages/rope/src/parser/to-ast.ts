// The AST nodes the grammar builds as it parses (grammar.ts calls these from its rules): decodes
// literals, records source spans.
import type { IToken } from 'chevrotain';
import type { InvalidNode, Node } from '../ast.js';
import { decodeColonHex, decodeDotted, decodeInteger, decodeString } from '../lexer/literals.js';
import { ColonHex, Dotted, Integer, OpenString, Register, StringLit } from '../lexer/tokens.js';
import type { Span } from '../source.js';

export function tokenSpan(a: IToken, b: IToken = a): Span {
  return {
    line: a.startLine ?? 1,
    column: a.startColumn ?? 1,
    endLine: b.endLine ?? b.startLine ?? 1,
    endColumn: b.endColumn ?? b.startColumn ?? 1,
    offset: a.startOffset,
    endOffset: (b.endOffset ?? b.startOffset) + 1,
  };
}

/** Part of a single-line token, by character offsets within it (inclusive). */
function subSpan(t: IToken, from: number, to: number): Span {
  const s = tokenSpan(t);
  return {
    ...s,
    column: s.column + from,
    endLine: s.line,
    endColumn: s.column + to,
    offset: s.offset + from,
    endOffset: s.offset + to + 1,
  };
}

/** A word, or a call when it is followed by `( … )`. */
export function callNode(id: IToken, args?: { open: IToken; items: Node[]; close: IToken }): Node {
  if (!args) return { kind: 'word', name: id.image, span: tokenSpan(id) };
  return {
    kind: 'call',
    name: id.image,
    nameSpan: tokenSpan(id),
    args: args.items,
    span: tokenSpan(id, args.close),
    open: tokenSpan(args.open),
    close: tokenSpan(args.close),
  };
}

export function groupNode(open: IToken, body: Node[], close: IToken): Node {
  return { kind: 'group', body, span: tokenSpan(open, close) };
}

export function blockNode(open: IToken, body: Node[], close: IToken): Node {
  return { kind: 'block', body, span: tokenSpan(open, close), close: tokenSpan(close) };
}

/** A literal, a register or a malformed word. */
export function atomNode(t: IToken): Node {
  const type = t.tokenType;
  if (type === StringLit) {
    const d = decodeString(t.image);
    if (d.ok)
      return { kind: 'bytes', value: d.value, form: 'string', text: t.image, span: tokenSpan(t) };
    const at = subSpan(t, d.from ?? 0, d.to ?? t.image.length - 1);
    // an error without a range is about the whole literal (its length), not an escape
    return invalid(t, {
      code: d.from === undefined ? 'bad-literal' : 'bad-escape',
      message: d.message,
      at,
    });
  }
  if (type === OpenString) {
    return invalid(t, {
      code: 'bad-token',
      message: 'unterminated string: the closing `"` is missing on this line',
    });
  }
  if (type === Integer) {
    const d = decodeInteger(t.image);
    if (d.ok) return { kind: 'int', value: d.value, text: t.image, span: tokenSpan(t) };
    return invalid(t, {
      code: d.message.includes('octal') ? 'bad-literal' : 'int-range',
      message: d.message,
    });
  }
  if (type === Dotted) {
    const d = decodeDotted(t.image);
    if (d.ok)
      return { kind: 'bytes', value: d.value, form: 'dotted', text: t.image, span: tokenSpan(t) };
    return invalid(t, { code: 'bad-literal', message: d.message });
  }
  if (type === ColonHex) {
    const d = decodeColonHex(t.image);
    if (d.ok)
      return {
        kind: 'bytes',
        value: d.value,
        form: 'colon-hex',
        text: t.image,
        span: tokenSpan(t),
      };
    return invalid(t, { code: 'bad-literal', message: d.message });
  }
  if (type === Register) {
    return { kind: 'register', name: t.image.slice(1), span: tokenSpan(t) };
  }
  return invalid(t, { code: 'bad-token', message: describeBadWord(t.image) });
}

function invalid(t: IToken, reason: InvalidNode['reason']): InvalidNode {
  return { kind: 'invalid', text: t.image, reason, span: tokenSpan(t) };
}

/** Why a word is not a number, byte literal, register or verb name — the likeliest intent first. */
function describeBadWord(w: string): string {
  if (/^-?\d/.test(w) && /\./.test(w)) {
    return `\`${w}\` is not a dotted byte literal (decimal parts 0-255 separated by single dots)`;
  }
  if (/^[0-9A-Fa-f]{1,2}(:[0-9A-Fa-f]{0,2})+$/.test(w) || /^[0-9A-Fa-f]+:/.test(w)) {
    return `\`${w}\` is not a colon-hex byte literal (every part exactly two hex digits: 00:0f:1f)`;
  }
  if (/^[-+]?\d/.test(w) || /^[-+]?0[xX]/.test(w))
    return `\`${w}\` is not a number (decimal 123, hex 0x7b, octal 0173)`;
  return `\`${w}\` is not a verb, register, number or string`;
}
