// Bracket balance, checked on the token stream before parsing. It finds every unmatched or
// mismatched `{ } ( )` with the position of both ends, and repairs the stream (drops a stray
// closer, closes what was left open) so the parser always sees balanced input and the checker
// can still report the other errors of the script in the same run.
import type { IToken, TokenType } from 'chevrotain';
import { createTokenInstance } from './chevrotain.js';
import { LCurly, LParen, RCurly, RParen } from '../lexer/tokens.js';

export interface BracketProblem {
  token: IToken;
  message: string;
}

export interface BracketResult {
  /** The repaired stream; empty when nesting goes beyond MAX_NESTING (nothing is parsed). */
  tokens: IToken[];
  problems: BracketProblem[];
}

/** Blocks and anchor calls nest at most this deep (the parser and checker recurse per level). */
export const MAX_NESTING = 128;

const closerOf = new Map<TokenType, TokenType>([
  [LCurly, RCurly],
  [LParen, RParen],
]);

function where(t: IToken): string {
  return `${t.startLine}:${t.startColumn}`;
}

function synthetic(type: TokenType, at: IToken, end: boolean): IToken {
  const line = end ? (at.endLine ?? at.startLine ?? 1) : (at.startLine ?? 1);
  const col = end ? (at.endColumn ?? at.startColumn ?? 1) : (at.startColumn ?? 1);
  const off = end ? (at.endOffset ?? at.startOffset) : at.startOffset;
  return createTokenInstance(type, type === RCurly ? '}' : ')', off, off, line, line, col, col);
}

export function balanceBrackets(tokens: IToken[]): BracketResult {
  const out: IToken[] = [];
  const open: IToken[] = [];
  const problems: BracketProblem[] = [];
  for (const t of tokens) {
    const type = t.tokenType;
    if (type === LCurly || type === LParen) {
      if (open.length >= MAX_NESTING) {
        problems.push({
          token: t,
          message: `blocks and anchor calls nested more than ${MAX_NESTING} deep`,
        });
        return { tokens: [], problems };
      }
      open.push(t);
      out.push(t);
      continue;
    }
    if (type !== RCurly && type !== RParen) {
      out.push(t);
      continue;
    }
    const top = open[open.length - 1];
    if (top && closerOf.get(top.tokenType) === type) {
      open.pop();
      out.push(t);
      continue;
    }
    // a closer that matches an opener further down closes it: what lies between was left open
    const depth = open.findLastIndex((o) => closerOf.get(o.tokenType) === type);
    if (depth >= 0) {
      while (open.length > depth + 1) {
        const o = open.pop()!;
        problems.push({
          token: o,
          message: `${describe(o)} is not closed before \`${t.image}\` at ${where(t)}`,
        });
        out.push(synthetic(closerOf.get(o.tokenType)!, t, false));
      }
      open.pop();
      out.push(t);
      continue;
    }
    problems.push({
      token: t,
      message:
        type === RCurly
          ? top
            ? `\`}\` does not match ${describe(top)}`
            : '`}` without a matching `{`'
          : top
            ? `\`)\` does not match ${describe(top)}`
            : '`)` without a matching `(`',
    });
  }
  const last = tokens[tokens.length - 1];
  while (open.length > 0) {
    const o = open.pop()!;
    problems.push({ token: o, message: `${describe(o)} is never closed` });
    out.push(synthetic(closerOf.get(o.tokenType)!, last ?? o, true));
  }
  return { tokens: out, problems };
}

function describe(o: IToken): string {
  return o.tokenType === LCurly
    ? `block \`{\` opened at ${where(o)}`
    : `\`(\` opened at ${where(o)}`;
}
