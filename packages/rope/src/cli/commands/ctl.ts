// rope ctl — talk to a running `rope run --control` over its unix socket (src/control): list and
// change the locked clients and blocked peers, ban DNS names, switch pass-all, read counters.
// Each subcommand is a record: its arguments, the request it makes, the text it prints.
import { formatEndpointText, parseEndpoint } from '../../control/address.js';
import { ControlClient } from '../../control/client.js';
import { parseDnsPattern } from '../../control/dns-name.js';
import { DURATION_HELP, parseDuration } from '../../control/duration.js';
import type { Outcome } from '../../control/errors.js';
import { formatList, formatStats, timeLeft } from '../../control/format.js';
import {
  MAX_SECONDS,
  type OpName,
  type RequestArgs,
  type ResultOf,
} from '../../control/operations.js';
import { DEFAULT_CONTROL_PATH } from '../../control/socket-file.js';
import type { AddResult, RemoveResult } from '../../control/target.js';
import { CliError, EXIT_OK, parseCommandArgs, UsageError, type Command } from '../command.js';

interface Subcommand<K extends OpName = OpName> {
  name: string;
  op: K;
  /** Positional arguments after the name: the usage line's words. */
  params: readonly string[];
  /** Optional positionals at the end (pass-all's on|off). */
  optional?: number;
  /** Takes --for. */
  expires?: boolean;
  request(params: string[], seconds: number | null): RequestArgs[K];
  text(r: ResultOf[K]): string;
}

function endpointArg(name: string, text: string, allowPort: boolean) {
  const p = parseEndpoint(text, allowPort);
  if (!p.ok) throw new UsageError(`${name}: ${p.message}`);
  return p.endpoint;
}

const until = (secondsLeft: number | null) =>
  secondsLeft === null ? 'until removed' : `for ${timeLeft(secondsLeft)}`;
const added = (verb: string) => (r: AddResult) =>
  `${r.renewed ? `renewed: ${verb}` : verb} ${formatEndpointText(r.entry)} ${until(r.entry.secondsLeft)}\n`;
const removed = (verb: string) => (r: RemoveResult) =>
  `${verb} ${formatEndpointText(r.entry)} (${r.entry.label}, had ${timeLeft(r.entry.secondsLeft)} left)\n`;

const def = <K extends OpName>(s: Subcommand<K>): Subcommand => s as unknown as Subcommand;

const SUBCOMMANDS: readonly Subcommand[] = [
  def({
    name: 'list',
    op: 'list',
    params: [],
    request: () => ({}),
    text: formatList,
  }),
  def({
    name: 'block',
    op: 'block',
    params: ['ADDR[:PORT]'],
    expires: true,
    request: ([a], seconds) => {
      const e = endpointArg('block', a, true);
      return { address: e.address, port: e.port, seconds };
    },
    text: added('blocked'),
  }),
  def({
    name: 'unblock',
    op: 'unblock',
    params: ['ADDR[:PORT]'],
    request: ([a]) => {
      const e = endpointArg('unblock', a, true);
      return { address: e.address, port: e.port };
    },
    text: removed('unblocked'),
  }),
  def({
    name: 'lock',
    op: 'lock',
    params: ['ADDR'],
    expires: true,
    request: ([a], seconds) => ({ address: endpointArg('lock', a, false).address, seconds }),
    text: added('locked'),
  }),
  def({
    name: 'unlock',
    op: 'unlock',
    params: ['ADDR'],
    request: ([a]) => ({ address: endpointArg('unlock', a, false).address }),
    text: removed('unlocked'),
  }),
  def({
    name: 'ban-dns',
    op: 'ban-dns',
    params: ['NAME'],
    request: ([n]) => {
      const p = parseDnsPattern(n);
      if (!p.ok) throw new UsageError(`ban-dns: ${p.message}`);
      return { name: p.name };
    },
    text: (r) =>
      r.added
        ? `banned DNS name ${r.name}: the addresses answered for it are blocked from now on\n`
        : `${r.name} was banned already\n`,
  }),
  def({
    name: 'pass-all',
    op: 'pass-all',
    params: ['on|off'],
    optional: 1,
    request: ([v]) => {
      if (v === undefined) return {};
      if (v !== 'on' && v !== 'off') throw new UsageError(`pass-all: '${v}' is not on or off`);
      return { on: v === 'on' };
    },
    text: (r) =>
      r.passAll
        ? `pass-all is ${r.changed ? 'now ' : ''}ON: every packet is accepted and nothing new is locked or blocked ('rope ctl pass-all off' ends it)\n`
        : `pass-all is ${r.changed ? 'now ' : ''}off: verdicts are rope run's own again\n`,
  }),
  def({
    name: 'stats',
    op: 'stats',
    params: [],
    request: () => ({}),
    text: formatStats,
  }),
];

/** `--for`: seconds, or a number with s, m, h or d. */
export function parseFor(text: string): number {
  const seconds = parseDuration(text);
  if (seconds === null) throw new UsageError(`--for: '${text}' is not ${DURATION_HELP}`);
  return seconds;
}

const usageLines = SUBCOMMANDS.map((s) => {
  const params = s.params.map((p, i) => (i >= s.params.length - (s.optional ?? 0) ? `[${p}]` : p));
  return `  ${[s.name, ...params, ...(s.expires ? ['[--for S]'] : [])].join(' ')}`;
});

const OPTIONS = {
  control: { type: 'string' },
  json: { type: 'boolean' },
  for: { type: 'string' },
  timeout: { type: 'string' },
} as const;

export const ctlCommand: Command = {
  name: 'ctl',
  options: OPTIONS,
  operands: { words: SUBCOMMANDS.map((s) => s.name) },
  summary: 'lock or unlock clients, block peers, pass-all and counters of a running rope run',
  help: `usage: rope ctl [--control PATH] [--json] COMMAND [ARGS]

Talks to a running 'rope run --control' over its unix socket (default
${DEFAULT_CONTROL_PATH}, mode 0600: root only). Commands:
${usageLines.join('\n')}

  list        locked clients and blocked peers, with the time they have left
              (ftwall's dump-blocks), and the banned DNS names
  block       block a peer: every port of ADDR, or only ADDR:PORT
  unblock     lift a block (the same ADDR or ADDR:PORT that was blocked)
  lock        lock an inside client: its flows are refused
  unlock      lift a lock
  ban-dns     learn peers from DNS answers for NAME (*.NAME: the names
              below it) (ftwall's ban-dns-name); needs rope run --dns-train
  pass-all    on: every verdict is accept and nothing new is locked or
              blocked (ftwall's accept-all); off: back to normal; no
              argument: say which
  stats       counters: packets and flows per label, the top inside hosts

Addresses: IPv4 192.0.2.7, 192.0.2.7:6881; IPv6 2001:db8::7, [2001:db8::7]:6881.

options:
  --control PATH   the socket of the rope run to talk to
  --for S          the lock or block lapses after S (seconds, or 90s, 5m, 2h,
                   1d; default: it stays until removed or rope run stops)
  --json           print the answer as one JSON object (see docs/rope-ctl.md)
  --timeout S      give up after S seconds without an answer (default 5)
  -h, --help       this help

exit status: 0 done, 1 refused (not locked, no rope run listening, no
permission, no answer), 2 usage errors.
`,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, OPTIONS);
    const [name, ...params] = positionals;
    if (name === undefined)
      throw new UsageError(`give a command: ${SUBCOMMANDS.map((s) => s.name).join(', ')}`);
    const sub = SUBCOMMANDS.find((s) => s.name === name);
    if (!sub)
      throw new UsageError(
        `unknown command '${name}' (${SUBCOMMANDS.map((s) => s.name).join(', ')})`,
      );
    const min = sub.params.length - (sub.optional ?? 0);
    if (params.length < min || params.length > sub.params.length)
      throw new UsageError(
        params.length < min
          ? `${name} needs ${sub.params.slice(params.length, min).join(' ')}`
          : `${name}: unexpected argument '${params[sub.params.length]}'`,
      );
    if (values.for !== undefined && !sub.expires)
      throw new UsageError(`--for goes with lock and block, not ${name}`);
    const seconds = values.for === undefined ? null : parseFor(String(values.for));
    const timeout = values.timeout === undefined ? 5 : Number(values.timeout);
    if (!(timeout > 0 && timeout <= 3600))
      throw new UsageError(`--timeout: '${values.timeout}' is not a number of seconds (0-3600]`);
    const path = values.control === undefined ? DEFAULT_CONTROL_PATH : String(values.control);
    if (path === '') throw new UsageError('--control needs a path');
    const request = sub.request(params, seconds);

    const client = new ControlClient(path, { timeoutMs: timeout * 1000 });
    let outcome: Outcome<unknown>;
    try {
      outcome = await client.request(sub.op, request);
    } finally {
      client.close();
    }
    if (!outcome.ok) throw new CliError(outcome.error.message);
    io.out(
      values.json === true
        ? JSON.stringify(outcome.value) + '\n'
        : sub.text(outcome.value as never),
    );
    return EXIT_OK;
  },
};
