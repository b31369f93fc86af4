// The router: two bridges (LAN `lan0`, server side `wan0`) with the hosts' veths as ports,
// forwarding on for IPv4 and IPv6, conntrack active. Its ruleset belongs to the test, apart from
// the lab's own table (see firewall.ts).
import { TCP_STATE_NAMES } from '@p2pwall/core/netlink';
import type { Family, HostAddress } from './addresses.js';
import { LabHost } from './host.js';
import type { ProcessRegistry } from './processes.js';
import type { RunResult } from './netns.js';

export interface ConntrackTuple {
  src: string;
  dst: string;
  sport?: number;
  dport?: number;
  /** Present when accounting is on (`nf_conntrack_acct`). */
  packets?: number;
  bytes?: number;
}

export interface ConntrackEntry {
  family: Family;
  /** `tcp`, `udp`, `icmp`, … */
  proto: string;
  /** TCP state (`ESTABLISHED`, …), absent for other protocols. */
  state?: string;
  original: ConntrackTuple;
  reply: ConntrackTuple;
  /** `ASSURED`, `UNREPLIED`, … */
  flags: string[];
  mark: number;
  /** The line as `conntrack -L` printed it. */
  line: string;
}

// `conntrack -L` prints the TCP state by the kernel's enum tcp_conntrack names
const TCP_STATES = new Set(TCP_STATE_NAMES);

/** Parses one line of `conntrack -L` (default output format). Null for anything else. */
export function parseConntrackLine(line: string, family: Family): ConntrackEntry | null {
  const tokens = line.trim().split(/\s+/);
  if (tokens.length < 4 || !tokens.some((t) => t.startsWith('src='))) return null;
  const tuples: ConntrackTuple[] = [];
  const flags: string[] = [];
  let state: string | undefined;
  let mark = 0;
  let current: ConntrackTuple | null = null;
  for (const t of tokens.slice(1)) {
    const eq = t.indexOf('=');
    if (eq < 0) {
      if (t.startsWith('[') && t.endsWith(']')) flags.push(t.slice(1, -1));
      else if (TCP_STATES.has(t)) state = t;
      continue;
    }
    const key = t.slice(0, eq);
    const value = t.slice(eq + 1);
    if (key === 'src') {
      current = { src: value, dst: '' };
      tuples.push(current);
    } else if (key === 'mark') mark = Number(value);
    else if (current) {
      if (key === 'dst') current.dst = value;
      else if (key === 'sport') current.sport = Number(value);
      else if (key === 'dport') current.dport = Number(value);
      else if (key === 'packets') current.packets = Number(value);
      else if (key === 'bytes') current.bytes = Number(value);
    }
  }
  if (tuples.length < 2) return null;
  return {
    family,
    proto: tokens[0],
    state,
    original: tuples[0],
    reply: tuples[1],
    flags,
    mark,
    line,
  };
}

export class Router extends LabHost {
  /** LAN bridge (clients' side). */
  readonly lanIface: string;
  /** Server-side bridge. */
  readonly wanIface: string;
  readonly lan: HostAddress;
  readonly wan: HostAddress;
  /** The DNAT service address (forwarded to the first server) when nat is 'dnat', else null. */
  readonly service: HostAddress | null;

  constructor(
    init: {
      ns: string;
      lanIface: string;
      wanIface: string;
      lan: HostAddress;
      wan: HostAddress;
      service: HostAddress | null;
    },
    processes: ProcessRegistry,
  ) {
    super(
      { name: 'r', role: 'router', ns: init.ns, iface: init.lanIface, address: init.lan },
      processes,
    );
    this.lanIface = init.lanIface;
    this.wanIface = init.wanIface;
    this.lan = init.lan;
    this.wan = init.wan;
    this.service = init.service;
  }

  /** Runs `conntrack …` in the router. */
  conntrack(args: string[]): Promise<RunResult> {
    return this.exec(['conntrack', ...args], { allowFail: true });
  }

  /** The router's conntrack table (both families unless one is given), parsed. */
  async conntrackEntries(family?: Family): Promise<ConntrackEntry[]> {
    const out: ConntrackEntry[] = [];
    for (const f of family ? [family] : ([4, 6] as const)) {
      const r = await this.exec(['conntrack', '-L', '-f', f === 4 ? 'ipv4' : 'ipv6'], {
        allowFail: true,
      });
      if (r.code !== 0) throw new Error(`conntrack -L in ${this.ns} failed: ${r.stderr.trim()}`);
      for (const line of r.stdout.split('\n')) {
        const e = parseConntrackLine(line, f);
        if (e) out.push(e);
      }
    }
    return out;
  }

  /** Empties the router's conntrack table. */
  async flushConntrack(): Promise<void> {
    await this.exec(['conntrack', '-F'], { allowFail: true });
    await this.exec(['conntrack', '-F', '-f', 'ipv6'], { allowFail: true });
  }
}
