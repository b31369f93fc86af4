// What `rope check` does (its options and help: commands/check.ts, which loads this module when
// the command runs, so that help and completion load none of it).
import { renderDiagnostics, type Diagnostic } from '../../diagnostic.js';
import {
  CliError,
  EXIT_FAILURE,
  EXIT_OK,
  parseCommandArgs,
  UsageError,
  type Output,
} from '../command.js';
import { pushesFrom } from '../push-options.js';
import { compileScriptFile, summary } from '../read-script.js';
import { OPTIONS } from '../commands/check.js';

export async function executeCheck(args: string[], io: Output): Promise<number> {
  const { values, positionals, tokens } = parseCommandArgs(args, OPTIONS);
  if (positionals.length === 0) throw new UsageError('no script given');
  const pushes = pushesFrom(tokens).length;
  let failed = false;
  for (const path of positionals) {
    let diagnostics: readonly Diagnostic[];
    try {
      ({ diagnostics } = compileScriptFile(path, pushes, 'rope check SCRIPT...'));
    } catch (e) {
      if (!(e instanceof CliError)) throw e;
      io.err(`rope check: ${e.message}\n`);
      failed = true;
      continue;
    }
    if (diagnostics.some((d) => d.severity === 'error')) failed = true;
    if (values.json) {
      for (const d of diagnostics) io.out(JSON.stringify(d.toJSON()) + '\n');
    } else {
      io.err(renderDiagnostics(diagnostics));
      if (diagnostics.length > 0) io.err(`${path}: ${summary(diagnostics)}\n`);
    }
  }
  return failed ? EXIT_FAILURE : EXIT_OK;
}
