// A built-in script compiled, apart from the list of names (builtin-scripts.ts) so that help and
// completion, which show the names, do not load the compiler.
import { readFileSync } from 'node:fs';
import { compile } from '../compile/compile.js';
import type { Script } from '../runtime/script.js';
import { BUILTIN_SCRIPT_DIR, builtinScriptPath, type BuiltinScript } from './builtin-scripts.js';

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
