// What `rope run` does (its options and help: commands/run.ts, which loads this module when
// the command runs, so that help and completion load none of it).
import { missingCapabilities } from '@p2pwall/core/privilege';
import { NetlinkError } from '@p2pwall/core/netlink';
import { DEFAULT_WINDOW } from '../../classify/default-window.js';
import type { DefaultVerdict } from '../../live/actions.js';
import type { HostConfig } from '../../live/queue-host.js';
import { LiveStartError, runLive } from '../../live/runner.js';
import { CliError, EXIT_OK, parseCommandArgs, UsageError, type Output } from '../command.js';
import {
  parseCount,
  parseListenAddress,
  parseMark,
  parseQueueRange,
  parseSeconds,
  scriptGroups,
} from '../live-options.js';
import { parseActOptions } from '../act-options.js';
import { DEFAULT_CONTROL_PATH } from '../../control/socket-file.js';
import { parseCidrList } from '../../live/inside.js';
import { loadScript } from '../read-script.js';
import { readRunConfig } from '../run-config.js';
import { parseShareOption } from '../share-option.js';
import { OPTIONS } from '../commands/run.js';
import { queueLingerMs } from '../queue-linger.js';

/** `--control` without a path (last, or before another option) means the default path. */
function withControlDefault(args: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    out.push(args[i]);
    if (args[i] === '--control' && (i + 1 >= args.length || args[i + 1].startsWith('--')))
      out.push(DEFAULT_CONTROL_PATH);
  }
  return out;
}

export async function executeRun(args: string[], io: Output): Promise<number> {
  let parsed = parseCommandArgs(withControlDefault(args), OPTIONS);
  if (typeof parsed.values.config === 'string') {
    // the file's options first, as if typed before the command line's
    parsed = parseCommandArgs(
      withControlDefault([...readRunConfig(parsed.values.config).run, ...args]),
      OPTIONS,
    );
  }
  const { values, positionals, tokens } = parsed;
  if (positionals.length > 0)
    throw new UsageError(
      `unexpected argument '${positionals[0]}' (scripts are given with --script)`,
    );
  if (values.queue === undefined && values['queue-balance'] === undefined)
    throw new UsageError('give the queue to bind: --queue N or --queue-balance A:B');
  if (values.queue !== undefined && values['queue-balance'] !== undefined)
    throw new UsageError('choose one of --queue and --queue-balance');
  const balance = values['queue-balance'] !== undefined;
  const [first, last] = parseQueueRange(
    String(balance ? values['queue-balance'] : values.queue),
    balance ? '--queue-balance' : '--queue',
  );
  if (balance && first === last)
    throw new UsageError(
      '--queue-balance needs a range A:B with A < B (use --queue N for one queue)',
    );
  if (last - first >= 64)
    throw new UsageError(`${balance ? '--queue-balance' : '--queue'}: at most 64 queues`);
  let defaultVerdict: DefaultVerdict = 'accept';
  if (values.default !== undefined) {
    if (values.default !== 'accept' && values.default !== 'drop')
      throw new UsageError(`--default: '${values.default}' is not accept or drop`);
    defaultVerdict = values.default;
  }
  const groups = scriptGroups(tokens, { kind: 'accept' });
  if (groups.length === 0) throw new UsageError('no script given (--script NAME|FILE)');
  const doneMark =
    values['done-mark'] === undefined
      ? null
      : parseMark(String(values['done-mark']), '--done-mark');
  if (doneMark === 0) throw new UsageError('--done-mark 0 is "no mark"; give a non-zero mark');

  const window =
    values.window === undefined
      ? DEFAULT_WINDOW
      : parseCount(String(values.window), '--window', 1, 1_000_000);
  // compile in this thread first: diagnostics go out once, compiler-style
  const specs = groups.map((g) => {
    const { source, name } = loadScript(
      g.path,
      g.pushes.length,
      io,
      'rope run --queue N --script NAME|FILE ...',
      window,
    );
    return { file: source.file, source: source.text, name, pushes: g.pushes, action: g.action };
  });
  const config: HostConfig = {
    queues: Array.from({ length: last - first + 1 }, (_, i) => first + i),
    groups: specs,
    defaultVerdict,
    window,
    doneMark,
    failOpen: values['fail-open'] === true,
    maxLen:
      values['queue-maxlen'] === undefined
        ? 4096
        : parseCount(String(values['queue-maxlen']), '--queue-maxlen', 1, 1 << 20),
    copyRange:
      values['copy-range'] === undefined
        ? 0xffff
        : parseCount(String(values['copy-range']), '--copy-range', 64, 0xffff),
    recvBufferSize: 8 << 20,
    lingerMs: queueLingerMs(process.env),
    gso: true,
    ...(values['max-flows'] !== undefined
      ? { maxFlows: parseCount(String(values['max-flows']), '--max-flows', 1, 1 << 24) }
      : {}),
  };
  const acts = parseActOptions(values);
  config.blockSeconds = acts.blockSeconds;
  if (acts.dnsTrain) config.dnsTrain = acts.dnsTrain;
  const statsInterval =
    values['stats-interval'] === undefined
      ? null
      : parseSeconds(String(values['stats-interval']), '--stats-interval');
  const metrics =
    values.metrics === undefined ? null : parseListenAddress(String(values.metrics), '--metrics');
  const share =
    values.share === undefined ? null : parseShareOption(String(values.share), '--share');
  const inside = values.inside === undefined ? [] : parseCidrList(String(values.inside));
  if (inside === null)
    throw new UsageError(
      `--inside: '${values.inside}' is not a list of networks like 192.0.2.0/24,2001:db8::/32`,
    );
  if (values.state === '') throw new UsageError('--state: give a file name');
  if (values.control === '') throw new UsageError('--control: give a socket path');
  if (values.check === true) {
    io.out('ok\n');
    return EXIT_OK;
  }

  const missing = missingCapabilities(['CAP_NET_ADMIN']);
  if (missing.length > 0)
    throw new CliError(
      `binding NFQUEUE needs CAP_NET_ADMIN, which this process lacks (run as root, or grant the capability)`,
    );
  try {
    return await runLive(
      {
        config,
        balance,
        statsInterval,
        statsJson: values['stats-json'] === true,
        log: values.log === true,
        metrics,
        exec: acts.exec,
        share,
        enforce: {
          inside,
          flushOnStop: values['flush-on-stop'] === true,
          rulesName: 'rope',
          state: typeof values.state === 'string' ? values.state : null,
        },
        control: typeof values.control === 'string' ? values.control : null,
      },
      io,
    );
  } catch (e) {
    if (e instanceof NetlinkError || e instanceof LiveStartError) throw new CliError(e.message);
    throw e;
  }
}
