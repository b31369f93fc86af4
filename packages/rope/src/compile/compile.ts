// Source text → Script: parse, check, compile. Never throws for any input: every problem is a
// diagnostic, and a script is returned only when there is no error.
import type { Program } from '../ast.js';
import { cachedForm } from '../builtins/parsed-cache.js';
import { check, type CheckResult } from '../check/checker.js';
import { Diagnostic, sortDiagnostics } from '../diagnostic.js';
import { parse } from '../parser/parse.js';
import { USER_REGISTERS } from '../runtime/machine.js';
import { Script } from '../runtime/script.js';
import { scriptName, SourceFile } from '../source.js';
import { Compiler } from './compiler.js';

export interface CompileOptions {
  /** How many values the caller pre-pushes (for the stack-underflow check); default 0. */
  pushes?: number;
  /** The script's name; default: the file name without `.rope`. */
  name?: string;
}

export interface CompileResult {
  script: Script | null;
  /** Errors and warnings in source order. */
  diagnostics: Diagnostic[];
}

export function compile(source: string, file: string, options: CompileOptions = {}): CompileResult {
  const src = new SourceFile(file, source);
  try {
    // a built-in script's parsed form, made at build time, spares the parser, and with no
    // pre-pushed values the checker too (parsed-cache.ts); a form that is damaged (it fails
    // where the parser's own tree would not) is set aside and the script parsed as any other
    try {
      const cached = cachedForm(file, source);
      if (cached) return compileParsed(src, cached.program, [], cached.checked, options);
    } catch {
      // fall through to the parser
    }
    const parsed = parse(src);
    return compileParsed(src, parsed.program, parsed.diagnostics, null, options);
  } catch (e) {
    // a bug of ours, not of the script: say so with the position-less internal code
    const d = new Diagnostic(
      file,
      1,
      1,
      1,
      'error',
      'internal',
      `internal compiler error: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`,
      src.line(1),
    );
    return { script: null, diagnostics: [d] };
  }
}

/** Checks (unless `checked` is the check already made, with no pre-pushed values) and compiles. */
function compileParsed(
  src: SourceFile,
  program: Program,
  parseDiagnostics: Diagnostic[],
  checked: CheckResult | null,
  options: CompileOptions,
): CompileResult {
  const c = checked && !options.pushes ? checked : check(program, src, options);
  const diagnostics = sortDiagnostics([...parseDiagnostics, ...c.diagnostics]);
  if (diagnostics.some((d) => d.severity === 'error')) return { script: null, diagnostics };
  const main = new Compiler({
    staticCalls: c.staticCalls,
    text: src.text,
    namedRegisters: c.namedRegisters,
  }).program(c.body);
  return {
    script: new Script(
      options.name ?? scriptName(src.file),
      src,
      main,
      c.usesFlowRegisters,
      USER_REGISTERS + c.namedRegisters.size,
      [...c.tables.values()].map((t) => ({
        name: t.name,
        capacity: t.capacity,
        lifetime: t.lifetime,
        kernel: t.kernel,
      })),
    ),
    diagnostics,
  };
}
