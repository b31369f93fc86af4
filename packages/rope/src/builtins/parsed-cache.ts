// The built-in scripts in parsed and checked form, made when rope is built
// (dist/builtin-ast/NAME.json), so that a command compiling only built-in scripts skips the
// parser and the checker: Chevrotain's grammar and lexer (30–40 ms to build), the parse itself
// (~50 ms for the three default scripts, cold) and the check (30–40 ms cold; checked-form.ts), of
// a start of ~300 ms for `rope classify` of one small capture; in the bundle, loading Chevrotain
// too (parser/parse-on-demand.ts).
//
// A form is used only when it is the very parse and check the running code would make: it records
// the script's text and the identity of the code that made it (a hash of the files of the parser,
// the lexer, the checker and the words it checks against, and Chevrotain's version), and both
// must match. The bundle carries the identity of the files it was built from (the build defines
// ROPE_CODE_IDENTITY), so it hashes nothing at start. From the TypeScript sources (the tests)
// the identity is that of the .ts files, which no build wrote: the sources always parse and
// check. P2PWALL_AST_CACHE=0 turns the cache off.
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Program } from '../ast.js';
import { check, type CheckResult } from '../check/checker.js';
import { SourceFile } from '../source.js';
import { BUILTIN_SCRIPT_DIR, BUILTIN_SCRIPTS, builtinScriptPath } from './builtin-scripts.js';
import { checkedForm, checkFromForm, type CheckedForm } from './checked-form.js';
import { replaceFile } from '../files/replace-file.js';

/** Where the build writes the parsed forms (packages/rope/dist/builtin-ast/). */
export const BUILTIN_AST_DIR = join(BUILTIN_SCRIPT_DIR, '..', 'dist', 'builtin-ast');

/**
 * The code whose files decide what a parse and a check give, relative to this package's code
 * root: directories (every module in them, tests aside) and single modules. A test checks that
 * everything the parser and the checker import is in it.
 */
export const FORM_CODE_DIRS = [
  'check',
  'language',
  'lexer',
  'parser',
  'runtime',
  'tables',
  'words',
];
export const FORM_CODE_MODULES = [
  'ast',
  'builtins/checked-form',
  'builtins/parsed-cache',
  'compile/op-shapes',
  'compile/operand',
  'diagnostic',
  'source',
];

/** Set by the bundle build to the identity of the dist/ files it bundled (build-bundle.mjs). */
declare const ROPE_CODE_IDENTITY: string | undefined;

interface ParsedForm {
  format: 2;
  code: string;
  source: string;
  program: Program;
  /** The check with no pre-pushed values, when it found nothing to say. */
  checked: CheckedForm | null;
}

/** A built-in script as the build parsed (and checked) it. */
export interface CachedForm {
  program: Program;
  /** The checker's result with no pre-pushed values; null: the checker must run. */
  checked: CheckResult | null;
}

let identity: string | null | undefined;

/** The files of `root` that FORM_CODE_* name, sorted. */
function formCodeFiles(root: string, ext: string): string[] {
  const files = FORM_CODE_MODULES.map((m) => m + ext);
  for (const d of FORM_CODE_DIRS)
    for (const f of readdirSync(join(root, d), { recursive: true, encoding: 'utf8' }))
      if (f.endsWith(ext) && !f.endsWith(`.test${ext}`) && !f.endsWith('.d.ts'))
        files.push(`${d}/${f}`);
  return files.sort();
}

/**
 * The identity of the parser and checker this code runs with, or null when it cannot be told (a
 * module missing). `root` is the directory holding parser/, check/, … (src/ or dist/).
 */
export function codeIdentity(root = codeRoot()): string | null {
  const own = root === codeRoot();
  if (own && typeof ROPE_CODE_IDENTITY === 'string') return ROPE_CODE_IDENTITY;
  if (own && identity !== undefined) return identity;
  const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
  const require = createRequire(import.meta.url);
  // loaded here, not at the top: a start from the bundle never hashes
  const { createHash } = require('node:crypto') as typeof import('node:crypto');
  const hash = createHash('sha256');
  try {
    for (const f of formCodeFiles(root, ext)) {
      hash.update(`${f}\0`);
      hash.update(readFileSync(join(root, f)));
    }
    // chevrotain's exports map hides its package.json; it is two levels above the entry
    const entry = require.resolve('chevrotain');
    const pkg = join(dirname(entry), '..', '..', 'package.json');
    hash.update((JSON.parse(readFileSync(pkg, 'utf8')) as { version: string }).version);
  } catch {
    return null;
  }
  const id = hash.digest('hex');
  if (own) identity = id;
  return id;
}

/** src/ or dist/: where this module's package code is (the bundle is in dist/bundle/). */
function codeRoot(): string {
  return join(dirname(fileURLToPath(import.meta.url)), '..');
}

/**
 * The parsed (and checked) form of `source` when `file` is a built-in script whose form the build
 * made with the code this process runs; else null (parse and check it).
 */
export function cachedForm(file: string, source: string, dir = BUILTIN_AST_DIR): CachedForm | null {
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
  if (form.format !== 2 || form.source !== source || form.code !== codeIdentity()) return null;
  // a damaged file that still parses as JSON: the script is parsed as any other (damage deeper
  // in the tree makes compiling from the form fail, and compile() then parses: compile.ts)
  if (!Array.isArray(form.program?.body)) return null;
  const checked = form.checked ? checkFromForm(form.program, form.checked) : null;
  return { program: form.program, checked };
}

/**
 * Writes the parsed and checked form of every built-in script that parses without a problem into
 * `outDir` (the build runs this from dist/ with dist's parser and checker). Returns the names
 * written.
 */
export function writeParsedForms(
  parse: (name: string, source: string) => { program: Program; problems: number },
  outDir = BUILTIN_AST_DIR,
): string[] {
  const code = codeIdentity();
  if (code === null) return [];
  mkdirSync(outDir, { recursive: true });
  const written: string[] = [];
  for (const name of BUILTIN_SCRIPTS) {
    const file = builtinScriptPath(name);
    if (file === null) continue;
    const source = readFileSync(file, 'utf8');
    const { program, problems } = parse(file, source);
    if (problems > 0) continue;
    const checked = checkedForm(program, check(program, new SourceFile(file, source)));
    const form: ParsedForm = { format: 2, code, source, program, checked };
    // a rope starting meanwhile (a rebuild under running tests, an `npm pack`) reads the old
    // form or the new one, never half a file
    replaceFile(join(outDir, `${name}.json`), JSON.stringify(form));
    written.push(name);
  }
  return written;
}
