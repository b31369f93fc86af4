// What `rope rules` does (its options and help: commands/rules.ts, which loads this module when
// the command runs, so that help and completion load none of it).
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
import { CliError, EXIT_OK, parseCommandArgs, UsageError, type Output } from '../command.js';
import { parseMark, parseQueueRange } from '../live-options.js';
import { readRunConfig } from '../run-config.js';
import { OPTIONS } from '../commands/rules.js';

/** `args` without the options `names` (and the value of those that take one). */
function withoutOptions(args: readonly string[], names: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (!names.includes(args[i])) out.push(args[i]);
    else if (OPTIONS[args[i].slice(2) as keyof typeof OPTIONS]?.type === 'string') i++;
  }
  return out;
}

export async function executeRules(args: string[], io: Output): Promise<number> {
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
  if (values.install && values.remove) throw new UsageError('choose one of --install and --remove');
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
}
