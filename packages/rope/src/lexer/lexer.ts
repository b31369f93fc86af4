// Splits a script into tokens. The token set covers every character, so the only lexer errors
// Chevrotain could report are impossible; they are still turned into diagnostics, never thrown.
import type { IToken } from 'chevrotain';
import { Lexer } from '../parser/chevrotain.js';
import { allTokens } from './tokens.js';

// made on first use, like the grammar: building it analyses every token pattern
let lexer: InstanceType<typeof Lexer> | null = null;

export interface LexResult {
  tokens: IToken[];
  /** Characters no token matched: offset, line, column, length. */
  errors: { offset: number; line: number; column: number; length: number }[];
}

export function lex(text: string): LexResult {
  lexer ??= new Lexer(allTokens, { positionTracking: 'full', ensureOptimizations: true });
  const r = lexer.tokenize(text);
  return {
    tokens: r.tokens,
    errors: r.errors.map((e) => ({
      offset: e.offset,
      line: e.line ?? 1,
      column: e.column ?? 1,
      length: e.length,
    })),
  };
}
