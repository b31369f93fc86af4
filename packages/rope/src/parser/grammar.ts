// The grammar, building the AST as it parses (Chevrotain's embedded-actions parser). There is no
// concrete syntax tree in between: a CST took about 1 kB per token, the larger part of the memory
// a long script needed to compile. The grammar is deliberately loose: any atom may appear
// anywhere, and a `( … )` group is accepted after anything, so that the checker, not the parser,
// says what is wrong and where (a group without a verb, a malformed word). Brackets are balanced
// before parsing (brackets.ts), so parsing itself does not fail, and needs no error recovery.
//
//   script := item*
//   item   := call | group | block | atom
//   call   := Identifier ( "(" item* ")" )?
//   group  := "(" item* ")"
//   block  := "{" item* "}"
//   atom   := StringLit | OpenString | Integer | Dotted | ColonHex | Register | Word
import type { IToken, TokenType } from 'chevrotain';
import type { Node } from '../ast.js';
import { EmbeddedActionsParser } from './chevrotain.js';
import {
  allTokens,
  ColonHex,
  Dotted,
  Identifier,
  Integer,
  LCurly,
  LParen,
  OpenString,
  RCurly,
  Register,
  RParen,
  StringLit,
  Word,
} from '../lexer/tokens.js';
import { atomNode, blockNode, callNode, groupNode } from './to-ast.js';

export class RopeGrammar extends EmbeddedActionsParser {
  constructor() {
    super(allTokens, { recoveryEnabled: false });
    this.performSelfAnalysis();
  }

  script = this.RULE('script', (): Node[] => this.SUBRULE(this.items));

  private items = this.RULE('items', (): Node[] => {
    const out: Node[] = [];
    this.MANY(() => {
      out.push(this.SUBRULE(this.item));
    });
    return out;
  });

  private item = this.RULE('item', (): Node =>
    this.OR([
      { ALT: () => this.SUBRULE(this.call) },
      { ALT: () => this.SUBRULE(this.group) },
      { ALT: () => this.SUBRULE(this.block) },
      { ALT: () => this.atom(StringLit) },
      { ALT: () => this.atom(OpenString) },
      { ALT: () => this.atom(Integer) },
      { ALT: () => this.atom(Dotted) },
      { ALT: () => this.atom(ColonHex) },
      { ALT: () => this.atom(Register) },
      { ALT: () => this.atom(Word) },
    ]),
  );

  private call = this.RULE('call', (): Node => {
    const id = this.CONSUME(Identifier);
    let args: { open: IToken; items: Node[]; close: IToken } | undefined;
    this.OPTION(() => {
      const open = this.CONSUME(LParen);
      const items = this.SUBRULE(this.items);
      args = { open, items, close: this.CONSUME(RParen) };
    });
    return this.ACTION(() => callNode(id, args));
  });

  private group = this.RULE('group', (): Node => {
    const open = this.CONSUME(LParen);
    const body = this.SUBRULE(this.items);
    const close = this.CONSUME(RParen);
    return this.ACTION(() => groupNode(open, body, close));
  });

  private block = this.RULE('block', (): Node => {
    const open = this.CONSUME(LCurly);
    const body = this.SUBRULE(this.items);
    const close = this.CONSUME(RCurly);
    return this.ACTION(() => blockNode(open, body, close));
  });

  /** One token of an atom type; its node is built outside Chevrotain's recording phase. */
  private atom(type: TokenType): Node {
    const t = this.CONSUME(type);
    return this.ACTION(() => atomNode(t));
  }
}

let shared: RopeGrammar | null = null;

/**
 * One parser for the process, made on first use: Chevrotain's self-analysis is costly (30–40 ms),
 * and a process that compiles only built-in scripts from their parsed form never needs it.
 * Parsing is reentrant per input.
 */
export function grammar(): RopeGrammar {
  shared ??= new RopeGrammar();
  return shared;
}
