// rope run — classify live traffic from NFQUEUE and act on matching flows.
import { DEFAULT_WINDOW } from '../../classify/default-window.js';
import type { Command } from '../command.js';
import { ACT_HELP, ACT_OPTIONS } from '../act-options.js';
import { DEFAULT_CONTROL_PATH } from '../../control/socket-file.js';
import { PUSH_OPTIONS } from '../push-options.js';

export const OPTIONS = {
  config: { type: 'string' },
  check: { type: 'boolean' },
  queue: { type: 'string' },
  'queue-balance': { type: 'string' },
  script: { type: 'string', multiple: true },
  ...PUSH_OPTIONS,
  'on-match': { type: 'string', multiple: true },
  default: { type: 'string' },
  window: { type: 'string' },
  'done-mark': { type: 'string' },
  'fail-open': { type: 'boolean' },
  'queue-maxlen': { type: 'string' },
  'copy-range': { type: 'string' },
  'max-flows': { type: 'string' },
  'stats-interval': { type: 'string' },
  'stats-json': { type: 'boolean' },
  log: { type: 'boolean' },
  metrics: { type: 'string' },
  ...ACT_OPTIONS,
  share: { type: 'string' },
  inside: { type: 'string' },
  'flush-on-stop': { type: 'boolean' },
  state: { type: 'string' },
  control: { type: 'string' },
} as const;

export const runCommand: Command = {
  name: 'run',
  esModuleProgram: true,
  options: OPTIONS,
  summary: 'classify live traffic from NFQUEUE and drop or mark matching flows',
  help: `usage: rope run --queue N[:M] | --queue-balance A:B  [options]
                GROUP [GROUP]...
       rope run --config FILE [--check] [options]
       GROUP = --script NAME|FILE [--push-int N | --push-str S | --push-ip A]...
               [--on-match accept|drop|mark:V|cut|lock:S|block-peer:S]

Binds NFQUEUE and gives every queued packet a verdict. Each flow is classified
as 'rope classify' does: each script runs on the first packets of the flow
(--window per direction); the first YES labels the flow for good. Groups are
checked in command-line order: the first group whose script labelled the flow
decides what happens to that packet and to the rest of the flow:
  accept     let it through (the scripts stop looking at the flow)
  drop       drop it
  mark:V     let it through with packet mark and connmark V, for your rules
             (tc, policy routing, a drop rule) to act on
  cut        drop it and end the connection: TCP ends each get the RST they
             accept, made from the packet's numbers; a UDP flow's peer is
             blocked for --block-seconds; the conntrack entry is deleted
  lock:S     drop it and lock the flow's inside host for S seconds: the
             kernel drops its new connections (but those rope rules'
             --lock-allow lets through, DNS by default); every later match
             renews the lock
  block-peer:S  drop it and block the flow's outside endpoint for S seconds:
             the kernel drops new connections to it from any inside host
Without --on-match a group only counts and logs its matches (accept).
NAME is a built-in script (as in 'rope classify --help') or a set of them:
--script p2p stands for every file-sharing network's script, each a group
with the same pushes and --on-match, each labelling with its own name.
FILE is a .rope script, or an l7-filter pattern file (.pat) run with
l7-filter's semantics over the first --window packets (see 'rope l7 --help').
Other packets get --default. A script run that ends with HOTDROP drops its
packet; one that fails counts as no match. 'rope rules' prints the firewall
rules that feed the queue; see docs/rope-run.md.

  rope run --queue 0 --script bittorrent --on-match drop \\
           --script http-large --push-int 50000000 --on-match mark:7 --log

queue:
  --queue N[:M]        bind queue N (or queues N..M), served by one thread
  --queue-balance A:B  bind queues A..B, one worker thread each (use with the
                       rules of 'rope rules --queue-balance A:B')
options:
  --config FILE        read the options from a JSON file (keys named as the
                       options; see rope-run(8)); options given here as well
                       come after the file's and win
  --check              check the options, the file and the scripts, print
                       "ok" and exit, without binding anything
  --default accept|drop  verdict for packets no group acts on (default accept)
  --window N           payload packets per direction each script sees (default ${DEFAULT_WINDOW})
  --done-mark V        mark flows every script gave up on with V, so rules that
                       skip marked flows stop queueing them (default: off)
  --fail-open          accept packets the queue cannot hold instead of dropping
  --queue-maxlen N     packets the kernel holds per queue (default 4096)
  --copy-range BYTES   bytes of each packet copied to rope (default 65535)
  --max-flows N        flows remembered per thread (default 262144)
  --stats-interval S   print the counters every S seconds (also on SIGUSR1,
                       and when stopping)
  --stats-json         counters (and --log lines) as JSON lines
  --log                one line per flow a script matches
  --metrics HOST:PORT  serve Prometheus metrics at http://HOST:PORT/metrics
  --share redis://HOST:PORT[/DB] | unix:PATH[?db=DB]
                       share the scripts' tables (what they learn) with every
                       rope run using the same Redis: changes go out and come
                       in within a second; without Redis, rope run goes on
                       with its own tables and catches up when it is back
  --inside CIDR[,CIDR]...  the networks of the clients lock:S locks (the end
                       of the flow inside them); default: the flow's initiator
  --state FILE         keep the tables (learned peers, locked clients, blocked
                       peers) across restarts: loaded at start, saved every
                       minute and at stop (a corrupt file is reported, ignored)
  --flush-on-stop      empty the kernel sets when stopping (default: their
                       entries time out by themselves)
  --control [PATH]     serve 'rope ctl' and 'rope top' on a unix socket (default
                       ${DEFAULT_CONTROL_PATH}, mode 0600)
${ACT_HELP}  -h, --help           this help

Stop with Ctrl-C or SIGTERM: rope run sends its last verdicts and unbinds;
with the rules' bypass, traffic then passes unchecked.
exit status: 0 after a clean stop (--check: all is well), 1 when a queue
cannot be bound, a script does not compile or the --config file is wrong (one
line naming the key), 2 on usage errors.
`,
  run: (args, io) => import('../execute/run.js').then((m) => m.executeRun(args, io)),
};
