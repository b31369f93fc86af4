// rope rules — print the firewall rules that feed `rope run`; with --install / --remove, load them
// into the kernel or take them out (live/rules-install.ts).
import { missingCapabilities } from '@p2pwall/core/privilege';
import { installRulesAuto, removeRulesAuto } from '../../live/rules-auto.js';
import { installRules, removeRules, RulesInstallError } from '../../live/rules-install.js';
import {
  DEFAULT_RULES,
  firewallRules,
  removalHint,
  type RulesFamily,
  type RulesHooks,
  type RulesOptions,
} from '../../live/rules.js';
import { parseLockAllow } from '../../live/enforce-rules.js';
import { CliError, EXIT_OK, parseCommandArgs, UsageError, type Command } from '../command.js';
import { parseMark, parseQueueRange } from '../live-options.js';
import { readRunConfig } from '../run-config.js';

const OPTIONS = {
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

/** `args` without the options `names` (and the value of those that take one). */
function withoutOptions(args: readonly string[], names: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (!names.includes(args[i])) out.push(args[i]);
    else if (OPTIONS[args[i].slice(2) as keyof typeof OPTIONS]?.type === 'string') i++;
  }
  return out;
}

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
  async run(args, io) {
    let parsed = parseCommandArgs(args, OPTIONS);
    if (typeof parsed.values.config === 'string') {
      // as rope run does: the file's options first, the command line's win
      const fromFile = readRunConfig(parsed.values.config).rules;
      // the command line's format and queues replace the file's (rather than clash with them)
      const cli = parsed.values;
      const keep = withoutOptions(fromFile, [
        ...(cli.nft || cli.iptables ? ['--nft', '--iptables'] : []),
        ...(cli.queue !== undefined || cli['queue-balance'] !== undefined
          ? ['--queue', '--queue-balance']
          : []),
      ]);
      parsed = parseCommandArgs([...keep, ...args], OPTIONS);
    }
    const { values, positionals } = parsed;
    if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
    if (values.nft && values.iptables) throw new UsageError('choose one of --nft and --iptables');
    if (values.install && values.remove)
      throw new UsageError('choose one of --install and --remove');
    if (values.queue !== undefined && values['queue-balance'] !== undefined)
      throw new UsageError('choose one of --queue and --queue-balance');
    const o: RulesOptions = { ...DEFAULT_RULES, format: values.iptables ? 'iptables' : 'nft' };
    if (typeof values.queue === 'string') {
      const [a, b] = parseQueueRange(values.queue, '--queue');
      if (a !== b)
        throw new UsageError(
          '--queue takes one queue number here; use --queue-balance A:B for a range',
        );
      o.queues = [a, b];
    }
    if (typeof values['queue-balance'] === 'string') {
      o.queues = parseQueueRange(values['queue-balance'], '--queue-balance');
      if (o.queues[0] === o.queues[1])
        throw new UsageError('--queue-balance needs a range A:B with A < B');
    }
    if (values.hooks !== undefined) {
      if (!['forward', 'local', 'both'].includes(String(values.hooks)))
        throw new UsageError(`--hooks: '${values.hooks}' is not forward, local or both`);
      o.hooks = values.hooks as RulesHooks;
    }
    if (values.family !== undefined) {
      if (!['ipv4', 'ipv6', 'both'].includes(String(values.family)))
        throw new UsageError(`--family: '${values.family}' is not ipv4, ipv6 or both`);
      o.family = values.family as RulesFamily;
    }
    o.marks = [
      ...new Set(((values.mark as string[] | undefined) ?? []).map((m) => parseMark(m, '--mark'))),
    ];
    if (o.marks.includes(0))
      throw new UsageError('--mark 0 is "no mark"; give the non-zero marks rope run sets');
    o.bypass = values['no-bypass'] !== true;
    if (values['dns-train'] === true) o.dnsTrain = true;
    o.enforce = values['no-enforce'] !== true;
    if (typeof values['lock-allow'] === 'string') {
      const allow = parseLockAllow(values['lock-allow']);
      if (!allow)
        throw new UsageError(
          `--lock-allow: '${values['lock-allow']}' is not a list like udp:53,tcp:53 (tcp:PORT or udp:PORT, comma-separated, or none)`,
        );
      o.lockAllow = allow;
    }
    if (typeof values.name === 'string') {
      if (!/^[A-Za-z][\w-]{0,20}$/.test(values.name))
        throw new UsageError(
          `--name: '${values.name}' must be a letter then up to 20 letters, digits, '_' or '-'`,
        );
      o.name = values.name;
    }
    if (!values.install && !values.remove) {
      io.out(firewallRules(o));
      io.out(removalHint(o));
      return EXIT_OK;
    }
    if (missingCapabilities(['CAP_NET_ADMIN']).length > 0)
      throw new CliError(
        `${values.install ? 'installing' : 'removing'} firewall rules needs CAP_NET_ADMIN, which this process lacks (run as root)`,
      );
    try {
      // neither --nft nor --iptables (nor the configuration's "format"): the kernel decides
      const chosen = values.nft === true || values.iptables === true;
      const line = values.install
        ? await (chosen ? installRules(o) : installRulesAuto(o))
        : await (chosen ? removeRules(o) : removeRulesAuto(o));
      io.out(`rope rules: ${line}\n`);
    } catch (e) {
      if (e instanceof RulesInstallError) throw new CliError(e.message);
      throw e;
    }
    return EXIT_OK;
  },
};
