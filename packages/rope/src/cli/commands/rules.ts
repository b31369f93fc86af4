// rope rules — print the firewall rules that feed `rope run`; with --install / --remove, load them
// into the kernel or take them out (live/rules-install.ts).
import type { Command } from '../command.js';

export const OPTIONS = {
  config: { type: 'string' },
  install: { type: 'boolean' },
  remove: { type: 'boolean' },
  nft: { type: 'boolean' },
  iptables: { type: 'boolean' },
  queue: { type: 'string' },
  'queue-balance': { type: 'string' },
  hooks: { type: 'string' },
  family: { type: 'string' },
  mark: { type: 'string', multiple: true },
  'no-bypass': { type: 'boolean' },
  name: { type: 'string' },
  'dns-train': { type: 'boolean' },
  'lock-allow': { type: 'string' },
  'no-enforce': { type: 'boolean' },
} as const;

export const rulesCommand: Command = {
  name: 'rules',
  options: OPTIONS,
  summary: 'print the firewall rules (nft or iptables) that feed rope run',
  help: `usage: rope rules [--config FILE] [--install | --remove] [options]

Prints the rules that send traffic to rope run's NFQUEUE, for you to review
and load; it changes nothing itself unless --install or --remove is given.
The rules follow the CONNMARK pattern: restore each flow's mark, let flows
rope has marked skip the queue, queue the rest (with bypass, so traffic flows
while rope run is not running), and save the mark rope sets to the flow.
They also make the kernel sets rope run fills (nft sets in rope's table, or
ipsets NAME-locked4, NAME-blocked4, … for --iptables) and the rules that drop
new connections of locked clients and to blocked or learned peers.

  rope rules --iptables --mark 7 | sh          # load them (as root)
  rope rules --nft --mark 7 > rope.nft && nft -f rope.nft

  rope rules --config /etc/p2pwall/rope-run.json --install  # what the unit does

options:
  --config FILE      take the queue and the marks from rope run's configuration
                     file, and the options below from its "rules" object
  --install          load the rules (as root): replaces rules an earlier
                     --install loaded under the same --name, never others.
                     Without --nft or --iptables the kernel decides: nft when
                     'nft --check' accepts the whole rule set, else iptables
                     with ipsets (kernels without CONFIG_NFT_QUEUE); the line
                     printed says which and why
  --remove           remove the rules --install loaded under this --name (no
                     error when there are none); without --nft or --iptables,
                     both kinds
  --nft              an nft script for 'nft -f' (default when printing)
  --iptables         iptables and ip6tables commands (also for kernels whose
                     nftables lacks the queue expression, CONFIG_NFT_QUEUE)
  --queue N          the queue rope run binds (default 0)
  --queue-balance A:B
                     spread flows over queues A..B (for rope run --queue-balance
                     A:B); both directions of a flow go to the same queue
  --hooks H          forward (a router's transit traffic; default), local (this
                     host's own input and output) or both
  --family F         ipv4, ipv6 or both (default)
  --mark V           a mark rope run sets (--on-match mark:V, --done-mark V);
                     repeat for several. Only these marks are restored, skip the
                     queue and are saved; default: any non-zero mark
  --no-bypass        drop queued traffic while rope run is not running
  --name NAME        nft table / iptables chain prefix (default rope)
  --dns-train        also queue DNS answers (TCP and UDP from port 53), for
                     rope run --dns-train; they are always let through
  --lock-allow LIST  what a locked client (rope run --on-match lock:S) may still
                     connect to, e.g. tcp:80,tcp:443 (default udp:53,tcp:53;
                     'none' for nothing)
  --no-enforce       leave out the sets of locked clients and blocked peers and
                     their drop rules (rope run --on-match lock/block-peer and
                     kernel tables then act in rope's memory only)
  -h, --help         this help
`,
  run: (args, io) => import('../execute/rules.js').then((m) => m.executeRules(args, io)),
};
