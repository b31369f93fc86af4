// rope test SCRIPT CAPTURE — run a script on every IP packet of a capture.
import type { Command } from '../command.js';
import { PUSH_HELP, PUSH_OPTIONS } from '../push-options.js';

export const OPTIONS = {
  json: { type: 'boolean' },
  trace: { type: 'boolean' },
  ...PUSH_OPTIONS,
} as const;

export const testCommand: Command = {
  name: 'test',
  options: OPTIONS,
  operands: { files: true },
  summary: 'run a script on every IP packet of a capture and show the verdicts',
  help: `usage: rope test [options] SCRIPT CAPTURE

Runs SCRIPT (a .rope file) on every IP packet of CAPTURE (pcap or pcapng) and
prints a table of per-packet verdicts and a summary. Packets are numbered by
their position in the capture, counting every record; records that carry no
IP packet are skipped. $ct_* registers come from a flow table built over the
capture (NEW until a flow's first reply packet, then ESTABLISHED).

options:
  --json         one JSON object per IP packet on stdout:
                   {"packet": N, "verdict": "YES"|"NO"|"OKAY"|"FAIL"|"HOTDROP"}
                 with an "error" field for FAIL and HOTDROP, and
                 "never": true for a NO from never (a classifier would
                 run the script on none of the flow's later packets)
  --trace        show each verb executed with the stack after it, print/dump
                 output, and why expectations failed (to stderr with --json)
${PUSH_HELP}
  -h, --help     this help

exit status: 0 when every packet was run (whatever the verdicts), 1 when the
script has errors or the capture cannot be read to its end, 2 on usage errors.
`,
  run: (args, io) => import('../execute/test.js').then((m) => m.executeTest(args, io)),
};
