// The bundle's parse.ts (tools/bundle/build-bundle.mjs puts this module in its place for
// compile.ts): the parser — Chevrotain, the grammar, the lexer — is a CommonJS file of its own,
// dist/bundle/parser.cjs, required when the first script without a parsed form is compiled. A
// command that compiles only built-in scripts, whose parsed forms come from the build
// (builtins/parsed-cache.ts), never loads it: loading Chevrotain alone took 26–42 ms of every
// start of `rope classify` and `rope run`. CommonJS because compile() is synchronous and Node 20
// cannot require an ES module. From the sources (tsc's dist/, the tests) compile.ts imports
// parse.ts itself.
import { createRequire } from 'node:module';
import type { ParseResult } from './parse.js';
import type { SourceFile } from '../source.js';

type Parse = (src: SourceFile) => ParseResult;

let loaded: Parse | null = null;

export function parse(src: SourceFile): ParseResult {
  loaded ??= (createRequire(import.meta.url)('./parser.cjs') as { parse: Parse }).parse;
  return loaded(src);
}
