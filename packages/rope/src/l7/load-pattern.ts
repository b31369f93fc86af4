// Loading an l7-filter pattern file: parse it, translate its regex, write the rope script that
// applies it (l7-script.ts) and compile that. Problems point into the pattern file
// (file:line:col with a caret), like every other rope diagnostic; the generated script compiles
// whenever the pattern was accepted.
import { basename } from 'node:path';
import { compile } from '../compile/compile.js';
import { Diagnostic, sortDiagnostics } from '../diagnostic.js';
import { compileRegex } from '../runtime/regex.js';
import type { Script } from '../runtime/script.js';
import { L7RegexError, translateL7Regex } from './l7-regex.js';
import { l7Script, L7_DEFAULT_WINDOW } from './l7-script.js';
import { parsePatternFile, type PatternProblem } from './pattern-file.js';

export interface PatternOptions {
  /** Packets of the connection (both directions) l7-filter looks at; default 10. */
  window?: number;
  /** Values each run starts with (for the underflow check; the script takes none). */
  pushes?: number;
}

export interface ConvertResult {
  /** The protocol name (the label), when the name line could be read. */
  protocol: string | null;
  /** The rope script, or null when the file has an error. */
  source: string | null;
  diagnostics: Diagnostic[];
}

/** Is this path an l7-filter pattern file (by its name)? */
export function isPatternFile(path: string): boolean {
  return path.endsWith('.pat');
}

/** The rope script for the pattern file `text` (read from `file`), or its errors. */
export function convertPattern(
  text: string,
  file: string,
  options: PatternOptions = {},
): ConvertResult {
  const lines = text.split('\n').map((l) => l.replace(/\r$/, ''));
  const at = (p: PatternProblem): Diagnostic =>
    new Diagnostic(
      file,
      p.line,
      p.column,
      Math.max(p.column, p.endColumn),
      p.severity,
      'l7-pattern',
      p.message,
      lines[p.line - 1] ?? '',
    );
  const problems: PatternProblem[] = [];
  const pat = parsePatternFile(text, problems);
  const diagnostics = problems.map(at);
  if (pat === null) return { protocol: null, source: null, diagnostics };
  const fail = (column: number, endColumn: number, message: string): ConvertResult => {
    diagnostics.push(at({ severity: 'error', line: pat.regexLine, column, endColumn, message }));
    return { protocol: pat.protocol, source: null, diagnostics: sortDiagnostics(diagnostics) };
  };
  let regex: string;
  try {
    regex = translateL7Regex(pat.regex);
  } catch (e) {
    if (!(e instanceof L7RegexError)) throw e;
    return fail(e.offset + 1, e.offset + e.length, e.message);
  }
  const refused = compileRegex(regex, false);
  if (typeof refused === 'string')
    return fail(1, Math.max(1, pat.regex.length), `rope cannot run this pattern: ${refused}`);
  const source = l7Script({
    protocol: pat.protocol,
    file: basename(file),
    regex,
    original: pat.regex,
    window: options.window ?? L7_DEFAULT_WINDOW,
  });
  return { protocol: pat.protocol, source, diagnostics };
}

export interface PatternCompileResult extends ConvertResult {
  script: Script | null;
}

/** The compiled script of a pattern file, named after its protocol. */
export function compilePattern(
  text: string,
  file: string,
  options: PatternOptions = {},
): PatternCompileResult {
  const converted = convertPattern(text, file, options);
  if (converted.source === null || converted.protocol === null)
    return { ...converted, script: null };
  const { script, diagnostics } = compile(converted.source, `${file} (as rope)`, {
    name: converted.protocol,
    pushes: options.pushes,
  });
  return {
    ...converted,
    script,
    diagnostics: sortDiagnostics([...converted.diagnostics, ...diagnostics]),
  };
}
