// Source text → AST plus the syntax problems found on the way (unbalanced brackets). Literal
// and word problems travel inside the AST as InvalidNodes for the checker to report.
import type { Program } from '../ast.js';
import { Diagnostic } from '../diagnostic.js';
import { lex } from '../lexer/lexer.js';
import type { SourceFile } from '../source.js';
import { balanceBrackets } from './brackets.js';
import { grammar } from './grammar.js';
import { tokenSpan } from './to-ast.js';

export interface ParseResult {
  program: Program;
  diagnostics: Diagnostic[];
}

export function parse(src: SourceFile): ParseResult {
  const diagnostics: Diagnostic[] = [];
  const lexed = lex(src.text);
  for (const e of lexed.errors) {
    const span = {
      line: e.line,
      column: e.column,
      endLine: e.line,
      endColumn: e.column + e.length - 1,
      offset: e.offset,
      endOffset: e.offset + e.length,
    };
    diagnostics.push(Diagnostic.at(src, span, 'error', 'bad-token', 'unexpected character'));
  }
  const balanced = balanceBrackets(lexed.tokens);
  for (const p of balanced.problems) {
    diagnostics.push(Diagnostic.at(src, tokenSpan(p.token), 'error', 'unbalanced', p.message));
  }
  const g = grammar();
  g.input = balanced.tokens;
  const body = g.script();
  const failed = g.errors.length > 0;
  // Balanced input cannot fail to parse; should the grammar ever disagree, say so instead of crashing.
  for (const e of g.errors) {
    diagnostics.push(
      Diagnostic.at(src, tokenSpan(e.token), 'error', 'internal', `parser: ${e.message}`),
    );
  }
  // the parser is shared: let go of this script's tokens
  g.input = [];
  const program: Program = { body: !failed && body ? body : [] };
  return { program, diagnostics };
}
