// rope classify [--script NAME|FILE]... [--push-int N]... [--window N] [--max-flows N]
// [--json [--jobs N] | --explain] CAPTURE... — label the flows of captures with scripts (the built-in ones
// unless told otherwise), and say why each label was given (`via`).
// Each flow is written out as it ends and forgotten, so memory stays bounded by --max-flows
// whatever the size of the captures.
import { BUILTIN_SCRIPTS, DEFAULT_SCRIPTS, SCRIPT_GROUPS } from '../../builtins/builtin-scripts.js';
import { DEFAULT_MAX_FLOWS } from '@p2pwall/core/flow';
import { DEFAULT_WINDOW } from '../../classify/default-window.js';
import { TABLE_ROWS_SIZED } from '../classify-table.js';
import type { Command } from '../command.js';
import { PUSH_OPTIONS } from '../push-options.js';

export const OPTIONS = {
  script: { type: 'string', multiple: true },
  window: { type: 'string' },
  'max-flows': { type: 'string' },
  jobs: { type: 'string' },
  json: { type: 'boolean' },
  explain: { type: 'boolean' },
  ...PUSH_OPTIONS,
} as const;

export const classifyCommand: Command = {
  name: 'classify',
  options: OPTIONS,
  operands: { files: true },
  summary: 'label the flows of captures with scripts (BitTorrent, Gnutella, large HTTP by default)',
  help: `usage: rope classify [--script NAME|FILE [--push-int N]...]... [options] CAPTURE...

Runs scripts over every TCP and UDP flow of each capture (pcap or pcapng) and
labels each flow with the name of every script that matched it. Without
--script, the default built-in scripts run: ${DEFAULT_SCRIPTS.join(', ')}.

A flow takes a script's label at the script's first YES and keeps it; each
script sees the first N packets with payload of each direction of a flow
(--window, default ${DEFAULT_WINDOW}) and is not run on the flow after that — except a
script with tables, run again on a flow past its window once a table has
learned a new key ($past_window). $ct_* registers and flow registers (freg)
come from the flow table, per capture.

Flows are written as they end, and forgotten: idle for 3 minutes (UDP) or
30 minutes (TCP) of capture time, 2 minutes after a TCP connection ended
(FIN both ways, or RST), or evicted as the least recently used when
--max-flows are open; then the flows still open at the end of the capture,
in the order of their first packet. A later packet of a flow written out
starts a new flow. A capture shorter than these timeouts, with fewer flows
than --max-flows, thus lists its flows by first packet.

options:
  --script S     run script S: a built-in script or set (below) or a .rope
                 file; repeat for several. Its label is its name (the
                 scripts of a set label with their own names). A .pat file
                 is an l7-filter pattern, run with l7-filter's semantics
                 over the first --window packets of both directions and
                 labelled with its protocol; with one, --json also lists
                 \`unknown\` (more packets than the window, no pattern
                 matched) or \`unset\` (not yet decided), as l7-filter did.
                 See 'rope l7 --help'.
  --push-int N   push an integer before each run of the script named just
  --push-str S   before (a string, an address); repeat for several values, the
  --push-ip A    last ends on top. E.g. the limit of http-large:
                   rope classify --script http-large --push-int 5000000 x.pcap
  --window N     packets with payload per direction each script sees (default ${DEFAULT_WINDOW})
  --max-flows N  flows open at once per capture (default ${DEFAULT_MAX_FLOWS}): about
                 450 bytes each with the built-in scripts, so rope classify
                 stays under 300 MB whatever the size of the capture
  --json         one JSON object per flow on stdout, every TCP and UDP flow:
                   {"capture": "<file name>", "l4": "tcp"|"udp",
                    "a": "<ip:port>", "b": "<ip:port>", "labels": [...],
                    "packets": N, "bytes": N, "via": "<why>"|null}
                 a is the initiator (the sender of the flow's first packet),
                 IPv6 endpoints are [addr]:port, labels lists every script
                 that matched, bytes count IP lengths in both directions,
                 via says why the first label matched: the signature its
                 script named, or "learned:<source> <ip:port>><ip:port>" for
                 a table key and what taught it (null: unlabelled, or the
                 script named nothing)
  --jobs N       with --json and several captures: classify N captures at once,
                 in N worker threads (default 1). Each worker starts and warms
                 up on its own, so it pays for large captures on free cores,
                 not for many small ones. Output is the same, in capture
                 order; a capture is never split (its flows may teach each
                 other through tables)
  --explain      instead of the table, one line per label of each flow: the
                 flow, the label, the packet that gave it and why (via)
  -h, --help     this help

Without --json: a table of the flows of each capture (with --explain, its
lines instead), then a summary per label (a capture of more than ${TABLE_ROWS_SIZED}
flows: columns sized for the first ${TABLE_ROWS_SIZED}).

built-in scripts: ${wrapList(BUILTIN_SCRIPTS, 18)}
${Object.entries(SCRIPT_GROUPS)
  .map(([name, members]) => `set ${name}: ${wrapList(members, 9 + name.length)}`)
  .join('\n')}

exit status: 0 when every capture was read to its end, 1 when a script has
errors or a capture cannot be read (one line on stderr naming the file, the
record and the byte offset; the flows before the damage are still reported,
and the other captures are processed), 2 on usage errors.
`,
  busyMainThread: true,
  run: (args, io) => import('../execute/classify.js').then((m) => m.executeClassify(args, io)),
};

/** Names joined by commas, wrapped at 78 columns; `first` is the column the list starts at. */
function wrapList(names: readonly string[], first: number): string {
  let out = '';
  let col = first;
  names.forEach((n, i) => {
    const word = i < names.length - 1 ? `${n},` : n;
    if (i > 0 && col + 1 + word.length > 78) {
      out += '\n  ';
      col = 2;
    } else if (i > 0) {
      out += ' ';
      col++;
    }
    out += word;
    col += word.length;
  });
  return out;
}
