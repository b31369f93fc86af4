// Loading and compiling a script file for a command, with diagnostics printed compiler-style.
// Scripts are small text files: anything else (a device, a pipe, a capture, a file of several
// megabytes) is refused in one line before it is read into memory.
import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';
import { compile, type Script } from '../index.js';
import { countDiagnostics, renderDiagnostics, type Diagnostic } from '../diagnostic.js';
import { CliError, type Output } from './command.js';
import { kindOf } from './file-kind.js';
import { compilePattern, isPatternFile } from '../l7/load-pattern.js';

/** Scripts larger than this are refused: the largest built-in script is under 10 KiB. */
export const MAX_SCRIPT_BYTES = 1 << 20;

function notRegular(st: Stats): string {
  if (st.isDirectory()) return 'is a directory';
  if (st.isCharacterDevice()) return 'is a character device, not a regular file';
  if (st.isBlockDevice()) return 'is a block device, not a regular file';
  if (st.isFIFO()) return 'is a pipe, not a regular file';
  if (st.isSocket()) return 'is a socket, not a regular file';
  return 'is not a regular file';
}

function openFailure(err: NodeJS.ErrnoException): string {
  return err.code === 'ENOENT'
    ? 'no such file'
    : err.code === 'EISDIR'
      ? 'is a directory'
      : err.code === 'EACCES'
        ? 'permission denied'
        : err.message;
}

/**
 * The text of a script file. `usage` is the command's usage line, quoted when the file turns out
 * to be a capture (arguments given in the wrong order).
 */
export function readScriptFile(path: string, usage?: string): string {
  let fd: number;
  try {
    // O_NONBLOCK: opening a named pipe must not wait for a writer
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    throw new CliError(`cannot read script ${path}: ${openFailure(e as NodeJS.ErrnoException)}`);
  }
  let bytes: Buffer;
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new CliError(`cannot read script ${path}: ${notRegular(st)}`);
    if (st.size > MAX_SCRIPT_BYTES) throw tooLarge(path, st.size);
    // read one byte more than allowed: a file that grew after fstat is still caught
    bytes = Buffer.alloc(Math.min(st.size, MAX_SCRIPT_BYTES) + 1);
    let n = 0;
    for (let r = 1; r > 0 && n < bytes.length; n += r)
      r = readSync(fd, bytes, n, bytes.length - n, null);
    if (n > MAX_SCRIPT_BYTES) throw tooLarge(path, n);
    bytes = bytes.subarray(0, n);
  } catch (e) {
    if (e instanceof CliError) throw e;
    throw new CliError(`cannot read script ${path}: ${openFailure(e as NodeJS.ErrnoException)}`);
  } finally {
    closeSync(fd);
  }
  const kind = kindOf(bytes.subarray(0, 512));
  if (kind === 'capture')
    throw new CliError(`${path} is a capture, not a script${usage ? `; usage: ${usage}` : ''}`);
  if (kind === 'binary')
    throw new CliError(`${path} is a binary file, not a script (scripts are text)`);
  return bytes.toString('utf8');
}

function tooLarge(path: string, size: number): CliError {
  return new CliError(
    `cannot read script ${path}: ${size} bytes; scripts are limited to ${MAX_SCRIPT_BYTES} bytes (1 MiB)`,
  );
}

/** `2 errors, 1 warning`. */
export function summary(diagnostics: readonly Diagnostic[]): string {
  return countDiagnostics(diagnostics);
}

/**
 * Reads and compiles a script file; throws CliError when it cannot be read as a script. An
 * l7-filter pattern file (`.pat`) is compiled to the rope script that applies it, looking at the
 * first `window` packets of a connection (l7-filter's default when not given).
 */
export function compileScriptFile(
  path: string,
  pushes: number,
  usage?: string,
  window?: number,
): { script: Script | null; diagnostics: Diagnostic[] } {
  const text = readScriptFile(path, usage);
  return isPatternFile(path)
    ? compilePattern(text, path, { pushes, window })
    : compile(text, path, { pushes });
}

/**
 * Compiles a script file (as compileScriptFile), printing its diagnostics to stderr; throws
 * CliError on errors.
 */
export function loadScript(
  path: string,
  pushes: number,
  io: Output,
  usage?: string,
  window?: number,
): Script {
  const { script, diagnostics } = compileScriptFile(path, pushes, usage, window);
  io.err(renderDiagnostics(diagnostics));
  if (!script) throw new CliError(`${path}: ${summary(diagnostics)}; not run`);
  return script;
}
