// Turns the concrete syntax tree into the typed AST: decodes literals, records source spans.
import type { IToken } from 'chevrotain';
import type { InvalidNode, Node, Program } from '../ast.js';
import { decodeColonHex, decodeDotted, decodeInteger, decodeString } from '../lexer/literals.js';
import type { Span } from '../source.js';
import type {
  AtomCstChildren,
  BlockCstChildren,
  CallCstChildren,
  GroupCstChildren,
  ICstNodeVisitor,
  ItemCstChildren,
  ItemCstNode,
  ScriptCstChildren,
} from './cst-types.js';
import { grammar } from './grammar.js';

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

const BaseVisitor = grammar.getBaseCstVisitorConstructor<void, unknown>();

class AstBuilder extends BaseVisitor implements ICstNodeVisitor<void, unknown> {
  constructor() {
    super();
    this.validateVisitor();
  }

  items(list: ItemCstNode[] | undefined): Node[] {
    return (list ?? []).map((i) => this.visit(i) as Node);
  }

  script(c: ScriptCstChildren): Program {
    return { body: this.items(c.item) };
  }

  item(c: ItemCstChildren): Node {
    const inner = c.call ?? c.group ?? c.block ?? c.atom;
    return this.visit(inner![0]) as Node;
  }

  call(c: CallCstChildren): Node {
    const id = c.Identifier[0];
    if (!c.LParen) return { kind: 'word', name: id.image, span: tokenSpan(id) };
    const close = c.RParen![0];
    return {
      kind: 'call',
      name: id.image,
      nameSpan: tokenSpan(id),
      args: this.items(c.item),
      span: tokenSpan(id, close),
      open: tokenSpan(c.LParen[0]),
      close: tokenSpan(close),
    };
  }

  group(c: GroupCstChildren): Node {
    return { kind: 'group', body: this.items(c.item), span: tokenSpan(c.LParen[0], c.RParen[0]) };
  }

  block(c: BlockCstChildren): Node {
    return {
      kind: 'block',
      body: this.items(c.item),
      span: tokenSpan(c.LCurly[0], c.RCurly[0]),
      close: tokenSpan(c.RCurly[0]),
    };
  }

  atom(c: AtomCstChildren): Node {
    if (c.StringLit) {
      const t = c.StringLit[0];
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
    if (c.OpenString) {
      const t = c.OpenString[0];
      return invalid(t, {
        code: 'bad-token',
        message: 'unterminated string: the closing `"` is missing on this line',
      });
    }
    if (c.Integer) {
      const t = c.Integer[0];
      const d = decodeInteger(t.image);
      if (d.ok) return { kind: 'int', value: d.value, text: t.image, span: tokenSpan(t) };
      return invalid(t, {
        code: d.message.includes('octal') ? 'bad-literal' : 'int-range',
        message: d.message,
      });
    }
    if (c.Dotted) {
      const t = c.Dotted[0];
      const d = decodeDotted(t.image);
      if (d.ok)
        return { kind: 'bytes', value: d.value, form: 'dotted', text: t.image, span: tokenSpan(t) };
      return invalid(t, { code: 'bad-literal', message: d.message });
    }
    if (c.ColonHex) {
      const t = c.ColonHex[0];
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
    if (c.Register) {
      const t = c.Register[0];
      return { kind: 'register', name: t.image.slice(1), span: tokenSpan(t) };
    }
    const t = c.Word![0];
    return invalid(t, { code: 'bad-token', message: describeBadWord(t.image) });
  }
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

export const astBuilder = new AstBuilder();
