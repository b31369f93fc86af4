// Command-line parsing: the historical positional form `IP [PORT [IP2 [PORT2]]]` and the filters
// and modes. Every mistake becomes one ArgumentError line naming the argument.
import { parseArgs } from 'node:util';
import { negativeNumbersAsValues } from '@p2pwall/core/args';
import { IPPROTO_TCP } from '@p2pwall/core';
import { ArgumentError, parseAddressMatch } from '../find/address-match.js';
import { namesSomething, type ConnectionFilter } from '../find/filter.js';
import {
  parseMark,
  parsePort,
  parsePorts,
  parseProtocols,
  parseStates,
} from '../find/filter-spec.js';

export interface CliOptions {
  filter: ConnectionFilter;
  list: boolean;
  yes: boolean;
  /** --all: cut every connection when no address or filter narrows them (with --yes). */
  all: boolean;
  json: boolean;
  /**
   * Print a line for each connection left alone because it was closing already (by default only
   * the summary counts them); on with --show-closing, or a --state naming TIME_WAIT or CLOSE.
   */
  showClosing: boolean;
  timeoutMs?: number;
  dropUdp: boolean;
  blockSeconds?: number;
  cleanup: boolean;
  freeze: boolean;
  firewall?: 'nft' | 'iptables';
  trace: boolean;
  help: boolean;
  version: boolean;
}

function positiveNumber(text: string, what: string): number {
  const n = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text) || !(n > 0))
    throw new ArgumentError(`${what}: ${JSON.stringify(text)} is not a positive number`);
  return n;
}

/** The options, as parseArgs takes them (shell completion reads them too). */
export const CLI_OPTIONS = {
  list: { type: 'boolean', short: 'l' },
  yes: { type: 'boolean', short: 'y' },
  all: { type: 'boolean' },
  json: { type: 'boolean', short: 'j' },
  'show-closing': { type: 'boolean' },
  port: { type: 'string', short: 'p', multiple: true },
  proto: { type: 'string', multiple: true },
  state: { type: 'string', multiple: true },
  mark: { type: 'string' },
  zone: { type: 'string' },
  ipv4: { type: 'boolean', short: '4' },
  ipv6: { type: 'boolean', short: '6' },
  timeout: { type: 'string', short: 't' },
  'drop-udp': { type: 'boolean' },
  block: { type: 'string' },
  cleanup: { type: 'boolean' },
  'no-freeze': { type: 'boolean' },
  firewall: { type: 'string' },
  trace: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'V' },
} as const;

export function parseCli(argv: string[]): CliOptions {
  let parsed;
  try {
    parsed = parseArgs({
      // `--zone -3` and `IP -1` reach the range checks below instead of node's "ambiguous"
      args: negativeNumbersAsValues(argv, CLI_OPTIONS),
      allowPositionals: true,
      options: CLI_OPTIONS,
    });
  } catch (e) {
    const message = String((e as Error).message).split('\n')[0];
    // node's text for an unknown option goes on about positionals starting with '-'
    const unknown = /^Unknown option '([^']+)'/.exec(message);
    throw new ArgumentError(unknown ? `unknown option ${unknown[1]}` : message);
  }
  const v = parsed.values;
  const pos = parsed.positionals;
  if (pos.length > 4)
    throw new ArgumentError(
      `too many arguments: expected IP [PORT [IP2 [PORT2]]], got ${pos.length}`,
    );
  const filter: ConnectionFilter = {};
  if (pos[0] !== undefined) filter.host = parseAddressMatch(pos[0]);
  if (pos[1] !== undefined) filter.hostPort = parsePort(pos[1], 'PORT', true);
  if (pos[2] !== undefined) filter.peer = parseAddressMatch(pos[2]);
  if (pos[3] !== undefined) filter.peerPort = parsePort(pos[3], 'PORT2', true);
  if (filter.host && filter.peer && filter.host.bytes.length !== filter.peer.bytes.length) {
    throw new ArgumentError(
      `${filter.host.text} and ${filter.peer.text} are of different IP versions`,
    );
  }
  if (v.port) filter.ports = v.port.flatMap((p) => parsePorts(p));
  if (v.proto) filter.protocols = v.proto.flatMap((p) => parseProtocols(p));
  if (v.state) {
    filter.states = v.state.flatMap((p) => parseStates(p));
    filter.protocols ??= [IPPROTO_TCP];
  }
  if (v.mark !== undefined) filter.mark = parseMark(v.mark);
  if (v.zone !== undefined) {
    if (!/^\d+$/.test(v.zone) || Number(v.zone) > 65535)
      throw new ArgumentError(`--zone: ${JSON.stringify(v.zone)} is not a zone number (0–65535)`);
    filter.zone = Number(v.zone);
  }
  if (v.ipv4 && v.ipv6) throw new ArgumentError('-4 and -6 exclude each other');
  const family = v.ipv4
    ? 4
    : v.ipv6
      ? 6
      : filter.host
        ? filter.host.bytes.length === 4
          ? 4
          : 6
        : filter.peer
          ? filter.peer.bytes.length === 4
            ? 4
            : 6
          : undefined;
  if (family) {
    if (filter.host && filter.host.bytes.length !== (family === 4 ? 4 : 16))
      throw new ArgumentError(`-${family} contradicts ${filter.host.text}`);
    filter.family = family;
  }
  if (v.firewall !== undefined && v.firewall !== 'nft' && v.firewall !== 'iptables')
    throw new ArgumentError(`--firewall: ${JSON.stringify(v.firewall)} is not nft or iptables`);
  if (v.block !== undefined && !v['drop-udp'])
    throw new ArgumentError('--block only applies with --drop-udp');
  if (v.list && v.yes) throw new ArgumentError('--list changes nothing; it does not go with --yes');
  if (v.cleanup && (pos.length > 0 || v.list || v.yes || v.all))
    throw new ArgumentError('--cleanup takes no other arguments');
  if (v.yes && !v.all && !namesSomething(filter))
    throw new ArgumentError(
      '--yes needs an address, a prefix or a filter (--port, --state, --mark, --zone), or --all to cut every connection',
    );
  return {
    filter,
    list: !!v.list,
    yes: !!v.yes,
    all: !!v.all,
    json: !!v.json,
    showClosing:
      !!v['show-closing'] || (filter.states ?? []).some((s) => s === 'TIME_WAIT' || s === 'CLOSE'),
    ...(v.timeout !== undefined ? { timeoutMs: positiveNumber(v.timeout, '--timeout') } : {}),
    dropUdp: !!v['drop-udp'],
    ...(v.block !== undefined ? { blockSeconds: positiveNumber(v.block, '--block') } : {}),
    cleanup: !!v.cleanup,
    freeze: !v['no-freeze'],
    ...(v.firewall ? { firewall: v.firewall as 'nft' | 'iptables' } : {}),
    trace: !!v.trace,
    help: !!v.help,
    version: !!v.version,
  };
}

export const USAGE = `usage: cutter [options] [IP [PORT [IP2 [PORT2]]]]
       cutter completion bash|zsh

Tears down TCP connections through or ending on this machine: lists them from conntrack, learns
each end's sequence numbers, forges RSTs that both ends accept, and deletes the conntrack entry.
IP may be an IPv4/IPv6 address or a CIDR prefix; PORT 0 means any port. With IP2 [PORT2], only
connections between the two endpoints match. Either end may be named by its own address or by
the address NAT gives it.

On a terminal, without --list, --yes or --json, cutter opens an interactive view of the matching
connections that follows conntrack live, also waiting for ones that appear later: select rows,
press c and confirm with y (? lists the keys). With stdout redirected it prints the matches and
asks y/N on the terminal instead; when stdin is not a terminal it needs --yes.

modes:
  -l, --list            show the matching connections, change nothing
  -y, --yes             cut every match without asking (required when stdin is not a terminal);
                        needs an address, a prefix, a filter (--port, --state, --mark, --zone)
                        or --all
      --all             with --yes: cut every connection (nothing is cut by default)
  -j, --json            one JSON object per line per connection (tuples, state, NAT, result),
                        then a summary line
      --show-closing    also list connections left alone because they were already closing
                        (TIME_WAIT, CLOSE, socket gone); the summary always counts them
      --cleanup         remove temporary firewall rules left by a killed cutter, then exit
                        (every cutting cutter also does this when it starts)
filters:
  -p, --port LIST       either end's port: 80,443,6881-6889
      --proto LIST      tcp, udp, icmp, sctp, … or numbers
      --state LIST      TCP states: ESTABLISHED, SYN_SENT, SYN_RECV, FIN_WAIT, CLOSE_WAIT, …
      --mark V[/MASK]   conntrack mark (decimal or 0x…)
      --zone N          conntrack zone
  -4, -6                IPv4 or IPv6 only
cutting:
  -t, --timeout MS      give up on a connection after MS milliseconds (default 5000)
      --drop-udp        UDP, UDP-Lite, SCTP, DCCP flows: delete their entries and block their tuples
      --block SECONDS   how long --drop-udp blocks them (default 60; cutter waits that long)
      --no-freeze       do not hold the connection's packets at this machine while cutting
      --firewall KIND   nft or iptables for the temporary rules (default: nft when usable)
      --trace           print every packet seen and sent to stderr (for bug reports)
  -h, --help, -V, --version
completion:
  cutter completion bash|zsh   print a shell completion script (source <(cutter completion bash))

exit status: 0 every selected connection was cut or was already closing (--list: some matched;
interactive view: no cut failed), 1 some could not be cut (failed or skipped), or the question
was answered no, 2 nothing matched (--list, --yes, y/N), 3 usage error (also --yes without an
address, a filter or --all), 4 missing privilege or kernel feature, 5 other error, 130
interrupted (SIGINT).
Needs CAP_NET_ADMIN (conntrack, firewall, sock_diag) and CAP_NET_RAW (forged packets).
`;
