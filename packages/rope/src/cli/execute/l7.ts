// What `rope l7` does (its options and help: commands/l7.ts, which loads this module when
// the command runs, so that help and completion load none of it).
import { renderDiagnostics } from '../../diagnostic.js';
import { convertPattern } from '../../l7/load-pattern.js';
import { L7_DEFAULT_WINDOW } from '../../l7/l7-script.js';
import { EXIT_FAILURE, EXIT_OK, parseCommandArgs, UsageError, type Output } from '../command.js';
import { parseCount } from '../live-options.js';
import { readScriptFile, summary } from '../read-script.js';
import { OPTIONS } from '../commands/l7.js';

export async function executeL7(args: string[], io: Output): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, OPTIONS);
  if (positionals[0] !== 'convert')
    throw new UsageError(
      positionals.length === 0
        ? 'no subcommand given: rope l7 convert FILE.pat'
        : `unknown subcommand '${positionals[0]}': rope l7 convert FILE.pat`,
    );
  if (positionals.length !== 2)
    throw new UsageError(
      `one pattern file, got ${positionals.length - 1}: rope l7 convert FILE.pat`,
    );
  const window =
    values.window === undefined
      ? L7_DEFAULT_WINDOW
      : parseCount(String(values.window), '--window', 1, 1_000_000);
  const path = positionals[1];
  const { source, diagnostics } = convertPattern(readScriptFile(path), path, { window });
  io.err(renderDiagnostics(diagnostics));
  if (source === null) {
    io.err(`${path}: ${summary(diagnostics)}; not converted\n`);
    return EXIT_FAILURE;
  }
  io.out(source);
  return EXIT_OK;
}
