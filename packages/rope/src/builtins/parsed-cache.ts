// The built-in scripts in parsed form, made when rope is built (dist/builtin-ast/NAME.json), so
// that a command compiling only built-in scripts skips the parser: Chevrotain's grammar and lexer
// (30–40 ms to build) and the parse itself (~50 ms for the three default scripts, cold), of a
// start of ~300 ms for `rope classify` of one small capture; in the bundle, loading Chevrotain
// too (parser/parse-on-demand.ts).
//
// A parsed form is used only when it is the very parse the running code would make: it records
// the script's text and the identity of the code that parsed it (a hash of the parser's, the
// lexer's and the literal decoders' files, and Chevrotain's version), and both must match. From
// the TypeScript sources (the tests) the identity is that of the .ts files, which no build wrote:
// the sources always parse. P2PWALL_AST_CACHE=0 turns the cache off.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Program } from '../ast.js';
import { BUILTIN_SCRIPT_DIR, BUILTIN_SCRIPTS, builtinScriptPath } from './builtin-scripts.js';
import { replaceFile } from '../files/replace-file.js';

/** Where the build writes the parsed forms (packages/rope/dist/builtin-ast/). */
export const BUILTIN_AST_DIR = join(BUILTIN_SCRIPT_DIR, '..', 'dist', 'builtin-ast');

/** The modules whose code decides what a parse gives, relative to this package's code root. */
const PARSER_MODULES = [
  'parser/brackets',
  'parser/chevrotain',
  'parser/grammar',
  'parser/parse',
  'parser/to-ast',
  'lexer/lexer',
  'lexer/literals',
  'lexer/tokens',
  'runtime/caps',
  'source',
];

interface ParsedForm {
  format: 1;
  parser: string;
  source: string;
  program: Program;
}

let identity: string | null | undefined;

/**
 * The identity of the parser this code runs with, or null when it cannot be told (a module
 * missing). `root` is the directory holding parser/, lexer/, … (src/ or dist/).
 */
export function parserIdentity(root = codeRoot()): string | null {
  if (root === codeRoot() && identity !== undefined) return identity;
  const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
  const hash = createHash('sha256');
  try {
    for (const m of PARSER_MODULES) hash.update(readFileSync(join(root, m + ext)));
    // chevrotain's exports map hides its package.json; it is two levels above the entry
    const entry = createRequire(import.meta.url).resolve('chevrotain');
    const pkg = join(dirname(entry), '..', '..', 'package.json');
    hash.update((JSON.parse(readFileSync(pkg, 'utf8')) as { version: string }).version);
  } catch {
    return null;
  }
  const id = hash.digest('hex');
  if (root === codeRoot()) identity = id;
  return id;
}

/** src/ or dist/: where this module's package code is (the bundle is in dist/bundle/). */
function codeRoot(): string {
  return join(dirname(fileURLToPath(import.meta.url)), '..');
}

/**
 * The parsed form of `source` when `file` is a built-in script whose form the build made with
 * the parser this code runs; else null (parse it).
 */
export function cachedProgram(file: string, source: string, dir = BUILTIN_AST_DIR): Program | null {
  if (process.env.P2PWALL_AST_CACHE === '0' || !file.startsWith(BUILTIN_SCRIPT_DIR)) return null;
  const name = file.slice(BUILTIN_SCRIPT_DIR.length).replace(/\.rope$/, '');
  const path = join(dir, `${name}.json`);
  if (!existsSync(path)) return null;
  let form: ParsedForm;
  try {
    form = JSON.parse(readFileSync(path, 'utf8')) as ParsedForm;
  } catch {
    return null;
  }
  if (form.format !== 1 || form.source !== source) return null;
  return form.parser === parserIdentity() ? form.program : null;
}

/**
 * Writes the parsed form of every built-in script that parses without a problem into `outDir`
 * (the build runs this from dist/ with dist's parser). Returns the names written.
 */
export function writeParsedForms(
  parse: (name: string, source: string) => { program: Program; problems: number },
  outDir = BUILTIN_AST_DIR,
): string[] {
  const parser = parserIdentity();
  if (parser === null) return [];
  mkdirSync(outDir, { recursive: true });
  const written: string[] = [];
  for (const name of BUILTIN_SCRIPTS) {
    const file = builtinScriptPath(name);
    if (file === null) continue;
    const source = readFileSync(file, 'utf8');
    const { program, problems } = parse(file, source);
    if (problems > 0) continue;
    const form: ParsedForm = { format: 1, parser, source, program };
    // a rope starting meanwhile (a rebuild under running tests, an `npm pack`) reads the old
    // form or the new one, never half a file
    replaceFile(join(outDir, `${name}.json`), JSON.stringify(form));
    written.push(name);
  }
  return written;
}
