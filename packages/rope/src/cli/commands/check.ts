// rope check SCRIPT... — compile scripts and print their diagnostics.
import { compile } from '../../index.js';
import { renderDiagnostics } from '../../diagnostic.js';
import {
  CliError,
  EXIT_FAILURE,
  EXIT_OK,
  parseCommandArgs,
  UsageError,
  type Command,
} from '../command.js';
import { PUSH_HELP, PUSH_OPTIONS, pushesFrom } from '../push-options.js';
import { readScriptFile, summary } from '../read-script.js';
import { compilePattern, isPatternFile } from '../../l7/load-pattern.js';

const OPTIONS = {
  json: { type: 'boolean' },
  ...PUSH_OPTIONS,
} as const;

export const checkCommand: Command = {
  name: 'check',
  options: OPTIONS,
  operands: { files: true },
  summary: 'compile scripts and report errors (exit 1 on any error)',
  help: `usage: rope check [options] SCRIPT...

Compiles each script and prints its errors and warnings to stderr as
file:line:col: severity: message, the source line and a caret: at most 20 per
script, then a line counting the rest; a long source line is shown as a window
around the caret. Prints nothing for a script without problems. A script is a
text file of at most 1 MiB; a .pat file is an l7-filter pattern (see rope l7).
Exit status 1 if any script has an error or cannot be read.

options:
  --json         one JSON object per diagnostic on stdout instead
${PUSH_HELP}
                 Here they only tell the checker how many values a run starts
                 with, so reading them is not reported as a stack underflow.
  -h, --help     this help
`,
  async run(args, io) {
    const { values, positionals, tokens } = parseCommandArgs(args, OPTIONS);
    if (positionals.length === 0) throw new UsageError('no script given');
    const pushes = pushesFrom(tokens).length;
    let failed = false;
    for (const path of positionals) {
      let source: string;
      try {
        source = readScriptFile(path, 'rope check SCRIPT...');
      } catch (e) {
        if (!(e instanceof CliError)) throw e;
        io.err(`rope check: ${e.message}\n`);
        failed = true;
        continue;
      }
      const { diagnostics } = isPatternFile(path)
        ? compilePattern(source, path, { pushes })
        : compile(source, path, { pushes });
      if (diagnostics.some((d) => d.severity === 'error')) failed = true;
      if (values.json) {
        for (const d of diagnostics) io.out(JSON.stringify(d.toJSON()) + '\n');
      } else {
        io.err(renderDiagnostics(diagnostics));
        if (diagnostics.length > 0) io.err(`${path}: ${summary(diagnostics)}\n`);
      }
    }
    return failed ? EXIT_FAILURE : EXIT_OK;
  },
};
