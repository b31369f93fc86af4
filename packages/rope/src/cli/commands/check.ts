// rope check SCRIPT... — compile scripts and print their diagnostics.
import type { Command } from '../command.js';
import { PUSH_HELP, PUSH_OPTIONS } from '../push-options.js';

export const OPTIONS = {
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
  run: (args, io) => import('../execute/check.js').then((m) => m.executeCheck(args, io)),
};
