// Source text → Script: parse, check, compile. Never throws for any input: every problem is a
// diagnostic, and a script is returned only when there is no error.
import { cachedForm } from '../builtins/parsed-cache.js';
import { check } from '../check/checker.js';
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
    // pre-pushed values the checker too (parsed-cache.ts)
    const cached = cachedForm(file, source);
    const parsed = cached ? { program: cached.program, diagnostics: [] } : parse(src);
    const checked =
      cached?.checked && !options.pushes ? cached.checked : check(parsed.program, src, options);
    const diagnostics = sortDiagnostics([...parsed.diagnostics, ...checked.diagnostics]);
    if (diagnostics.some((d) => d.severity === 'error')) return { script: null, diagnostics };
    const main = new Compiler({
      staticCalls: checked.staticCalls,
      text: src.text,
      namedRegisters: checked.namedRegisters,
    }).program(checked.body);
    return {
      script: new Script(
        options.name ?? scriptName(file),
        src,
        main,
        checked.usesFlowRegisters,
        USER_REGISTERS + checked.namedRegisters.size,
        [...checked.tables.values()].map((t) => ({
          name: t.name,
          capacity: t.capacity,
          lifetime: t.lifetime,
          kernel: t.kernel,
        })),
      ),
      diagnostics,
    };
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
