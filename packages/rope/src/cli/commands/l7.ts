// rope l7 convert [--window N] FILE.pat — print the rope script that `--script FILE.pat` runs: an
// l7-filter pattern file with l7-filter's kernel semantics, written out for people who want to
// read or edit it (docs/l7-patterns.md).
import { L7_BUFFER_BYTES, L7_DEFAULT_WINDOW } from '../../l7/l7-script.js';
import type { Command } from '../command.js';

export const OPTIONS = {
  window: { type: 'string' },
} as const;

export const l7Command: Command = {
  name: 'l7',
  options: OPTIONS,
  operands: { words: ['convert'], files: true },
  summary: 'l7-filter pattern files: print the rope script one runs as (convert)',
  help: `usage: rope l7 convert [--window N] FILE.pat

Prints, on stdout, the rope script that rope runs for an l7-filter pattern file
given as --script FILE.pat to rope classify, test or run: l7-filter's kernel
match written out in rope. It collects the data of a connection's first N
packets (both directions, handshake packets counted), NUL bytes removed, ASCII
letters lower-cased, at most ${L7_BUFFER_BYTES - 1} bytes, and matches the pattern's regex,
translated from l7-filter's dialect, after each packet. The script's name (its
label) is the pattern's protocol name: save it as PROTOCOL.rope to keep it.

Problems in the pattern file (an unsupported construct of the regex, a
missing line) go to stderr as file:line:col with a caret; the exit status is
then 1. Lines \`userspace pattern=\` and \`userspace flags=\` are ignored, with a
warning: rope applies the kernel version's semantics.

options:
  --window N     packets of the connection l7-filter looks at (default ${L7_DEFAULT_WINDOW})
  -h, --help     this help

See docs/l7-patterns.md for the dialect and how each of its quirks is handled.
`,
  run: (args, io) => import('../execute/l7.js').then((m) => m.executeL7(args, io)),
};
