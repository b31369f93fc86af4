// The grammar, without semantic actions (Chevrotain's CST parser). It is deliberately loose:
// any atom may appear anywhere, and a `( … )` group is accepted after anything, so that the
// checker, not the parser, says what is wrong and where (a group without a verb, a malformed
// word). Brackets are balanced before parsing (brackets.ts), so parsing itself does not fail.
//
//   script := item*
//   item   := call | group | block | atom
//   call   := Identifier ( "(" item* ")" )?
//   group  := "(" item* ")"
//   block  := "{" item* "}"
//   atom   := StringLit | OpenString | Integer | Dotted | ColonHex | Register | Word
import { CstParser } from './chevrotain.js';
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

export class RopeGrammar extends CstParser {
  constructor() {
    super(allTokens, { recoveryEnabled: true, nodeLocationTracking: 'full' });
    this.performSelfAnalysis();
  }

  script = this.RULE('script', () => {
    this.MANY(() => this.SUBRULE(this.item));
  });

  item = this.RULE('item', () => {
    this.OR([
      { ALT: () => this.SUBRULE(this.call) },
      { ALT: () => this.SUBRULE(this.group) },
      { ALT: () => this.SUBRULE(this.block) },
      { ALT: () => this.SUBRULE(this.atom) },
    ]);
  });

  call = this.RULE('call', () => {
    this.CONSUME(Identifier);
    this.OPTION(() => {
      this.CONSUME(LParen);
      this.MANY(() => this.SUBRULE(this.item));
      this.CONSUME(RParen);
    });
  });

  group = this.RULE('group', () => {
    this.CONSUME(LParen);
    this.MANY(() => this.SUBRULE(this.item));
    this.CONSUME(RParen);
  });

  block = this.RULE('block', () => {
    this.CONSUME(LCurly);
    this.MANY(() => this.SUBRULE(this.item));
    this.CONSUME(RCurly);
  });

  atom = this.RULE('atom', () => {
    this.OR([
      { ALT: () => this.CONSUME(StringLit) },
      { ALT: () => this.CONSUME(OpenString) },
      { ALT: () => this.CONSUME(Integer) },
      { ALT: () => this.CONSUME(Dotted) },
      { ALT: () => this.CONSUME(ColonHex) },
      { ALT: () => this.CONSUME(Register) },
      { ALT: () => this.CONSUME(Word) },
    ]);
  });
}

/** One parser for the process: Chevrotain's self-analysis is costly, parsing is reentrant per input. */
export const grammar = new RopeGrammar();
