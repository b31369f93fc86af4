// rope rules — print the firewall rules that feed `rope run` (nothing is changed on the system).
import {
  DEFAULT_RULES,
  firewallRules,
  removalHint,
  type RulesFamily,
  type RulesHooks,
  type RulesOptions,
} from '../../live/rules.js';
import { EXIT_OK, parseCommandArgs, UsageError, type Command } from '../command.js';
import { parseMark, parseQueueRange } from '../live-options.js';

export const rulesCommand: Command = {
  name: 'rules',
  summary: 'print the firewall rules (nft or iptables) that feed rope run',
  help: `usage: rope rules [options]

Prints the rules that send traffic to rope run's NFQUEUE, for you to review
and load; it changes nothing itself. They follow the CONNMARK pattern: restore
each flow's mark, let flows rope has marked skip the queue, queue the rest
(with bypass, so traffic flows while rope run is not running), and save the
mark rope sets to the flow.

  rope rules --iptables --mark 7 | sh          # load them (as root)
  rope rules --nft --mark 7 > rope.nft && nft -f rope.nft

options:
  --nft              an nft script for 'nft -f' (default)
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
  -h, --help         this help
`,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, {
      nft: { type: 'boolean' },
      iptables: { type: 'boolean' },
      queue: { type: 'string' },
      'queue-balance': { type: 'string' },
      hooks: { type: 'string' },
      family: { type: 'string' },
      mark: { type: 'string', multiple: true },
      'no-bypass': { type: 'boolean' },
      name: { type: 'string' },
    });
    if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
    if (values.nft && values.iptables) throw new UsageError('choose one of --nft and --iptables');
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
    if (typeof values.name === 'string') {
      if (!/^[A-Za-z][\w-]{0,20}$/.test(values.name))
        throw new UsageError(
          `--name: '${values.name}' must be a letter then up to 20 letters, digits, '_' or '-'`,
        );
      o.name = values.name;
    }
    io.out(firewallRules(o));
    io.out(removalHint(o));
    return EXIT_OK;
  },
};
