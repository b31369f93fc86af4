// Loading and compiling a script file for a command, with diagnostics printed compiler-style.
import { readFileSync } from 'node:fs';
import { compile, type Diagnostic, type Script } from '../index.js';
import { CliError, type Output } from './command.js';

export function readScriptFile(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const why =
      err.code === 'ENOENT'
        ? 'no such file'
        : err.code === 'EISDIR'
          ? 'is a directory'
          : err.code === 'EACCES'
            ? 'permission denied'
            : err.message;
    throw new CliError(`cannot read script ${path}: ${why}`);
  }
}

export function summary(diagnostics: readonly Diagnostic[]): string {
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.length - errors;
  const parts = [];
  if (errors) parts.push(`${errors} error${errors === 1 ? '' : 's'}`);
  if (warnings) parts.push(`${warnings} warning${warnings === 1 ? '' : 's'}`);
  return parts.join(', ');
}

/** Compiles a script file, printing its diagnostics to stderr; throws CliError on errors. */
export function loadScript(path: string, pushes: number, io: Output): Script {
  const { script, diagnostics } = compile(readScriptFile(path), path, { pushes });
  for (const d of diagnostics) io.err(d.render() + '\n');
  if (!script) throw new CliError(`${path}: ${summary(diagnostics)}; not run`);
  return script;
}
