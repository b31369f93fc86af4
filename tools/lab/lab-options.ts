// What a lab is built from: the options a caller gives `createLab` (or `npm run lab -- up`), their
// defaults and checks, and the record that finds a lab again from another process.
import { MAX_HOSTS_PER_SIDE } from './addresses.js';
import type { FirewallBackend, NatMode } from './firewall.js';

export interface LabOptions {
  /** LAN hosts c1…cN (default 1). */
  clients?: number;
  /** Server-side hosts s1…sN (default 1). */
  servers?: number;
  /**
   * 'masquerade': LAN hosts reach servers as the router's server-side address and servers have
   * no route to the LAN; 'dnat': the router forwards the public service address (203.0.113.1,
   * 2001:db8:3::1) to the first server. Default 'none' (plain routing).
   */
  nat?: NatMode;
  /** Tool the lab uses for its own rules in the router (and on endpoints); default 'nft'. */
  firewall?: FirewallBackend;
  /** Clients and servers drop invalid packets (`ct state invalid drop` on input). */
  endpointsDropInvalid?: boolean;
  /** One-way delay added on each host's egress (netem), so RTT grows by 2× this. */
  delayMs?: number;
  /** Rate limit on each host's egress (tbf), in Mbit/s. */
  rateMbit?: number;
  /** `net.netfilter.nf_conntrack_acct` in the router (per-flow byte/packet counters). */
  conntrackAccounting?: boolean;
  /** `net.netfilter.nf_conntrack_events` in the router (kernel default 2: on when listened to). */
  conntrackEvents?: boolean;
  /** Further sysctls for the router, e.g. `{ 'net.ipv4.tcp_invalid_ratelimit': 0 }`. */
  routerSysctls?: Record<string, string | number>;
  /** Outlive the process that made the lab (what `npm run lab -- up` uses). */
  keep?: boolean;
  /** Run id (6 hex digits); a fresh one by default. */
  id?: string;
}

export type ResolvedLabOptions = Required<
  Omit<LabOptions, 'id' | 'delayMs' | 'rateMbit' | 'conntrackEvents'>
> &
  Pick<LabOptions, 'delayMs' | 'rateMbit' | 'conntrackEvents'>;

/** What `describe()` returns and `attachLab` accepts: enough to find a lab again. */
export interface LabState {
  id: string;
  options: ResolvedLabOptions;
  workDir: string;
  createdAt: string;
  pid: number;
}

/** Fills in the defaults; a value out of range is a RangeError naming the option. */
export function resolveLabOptions(o: LabOptions): ResolvedLabOptions {
  const r: ResolvedLabOptions = {
    clients: o.clients ?? 1,
    servers: o.servers ?? 1,
    nat: o.nat ?? 'none',
    firewall: o.firewall ?? 'nft',
    endpointsDropInvalid: o.endpointsDropInvalid ?? false,
    conntrackAccounting: o.conntrackAccounting ?? false,
    routerSysctls: o.routerSysctls ?? {},
    keep: o.keep ?? false,
    delayMs: o.delayMs,
    rateMbit: o.rateMbit,
    conntrackEvents: o.conntrackEvents,
  };
  for (const [k, v] of [
    ['clients', r.clients],
    ['servers', r.servers],
  ] as const) {
    if (!Number.isInteger(v) || v < 1 || v > MAX_HOSTS_PER_SIDE) {
      throw new RangeError(
        `lab option ${k}: ${v} is not a whole number in 1..${MAX_HOSTS_PER_SIDE}`,
      );
    }
  }
  if (!['none', 'masquerade', 'dnat'].includes(r.nat))
    throw new RangeError(`lab option nat: '${r.nat}' is not none, masquerade or dnat`);
  if (!['nft', 'iptables'].includes(r.firewall))
    throw new RangeError(`lab option firewall: '${r.firewall}' is not nft or iptables`);
  if (r.delayMs !== undefined && !(r.delayMs >= 0))
    throw new RangeError(`lab option delayMs: ${r.delayMs} is not ≥ 0`);
  if (r.rateMbit !== undefined && !(r.rateMbit > 0))
    throw new RangeError(`lab option rateMbit: ${r.rateMbit} is not > 0`);
  return r;
}
