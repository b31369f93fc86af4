// The scripts shipped with rope (packages/rope/builtins/*.rope): `rope classify` runs them when no
// --script is given, and `--script NAME` finds them by name.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { compile } from '../compile/compile.js';
import type { Script } from '../runtime/script.js';

/** The built-in scripts, in the order `rope classify` runs and lists them. */
export const BUILTIN_SCRIPTS = ['bittorrent', 'gnutella', 'http-large'] as const;
export type BuiltinScript = (typeof BUILTIN_SCRIPTS)[number];

/** The directory holding the built-in scripts (the same from src/ and from dist/). */
export const BUILTIN_SCRIPT_DIR = fileURLToPath(new URL('../../builtins/', import.meta.url));

/** The file of built-in script `name` (`http-large` → …/builtins/http-large.rope), or null. */
export function builtinScriptPath(name: string): string | null {
  if (!(BUILTIN_SCRIPTS as readonly string[]).includes(name)) return null;
  const path = `${BUILTIN_SCRIPT_DIR}${name}.rope`;
  return existsSync(path) ? path : null;
}

/**
 * Built-in script `name`, compiled; `pushes`: how many values each run starts with. Throws when
 * the file is missing or does not compile (an installation or a change of the script gone wrong).
 */
export function compileBuiltin(name: BuiltinScript, pushes = 0): Script {
  const path = builtinScriptPath(name);
  if (path === null)
    throw new Error(`built-in script ${name} is missing from ${BUILTIN_SCRIPT_DIR}`);
  const { script, diagnostics } = compile(readFileSync(path, 'utf8'), path, { pushes });
  if (script === null) throw new Error(diagnostics.map((d) => d.render()).join('\n'));
  return script;
}
