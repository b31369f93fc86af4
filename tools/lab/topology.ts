// The lab network: LAN clients — router — servers, each a network namespace, joined by veth pairs
// on two bridges in the router, with IPv4 and IPv6 on every link (addresses.ts has the plan).
//
//   c1 eth0 ─┐                         ┌─ eth0 s1
//   c2 eth0 ─┤ lan0 (bridge) r wan0 (bridge) ├─ eth0 s2
//            192.0.2.1          198.51.100.1
//            2001:db8:1::1      2001:db8:2::1
//
// Every name carries the run id (`p2pw-<id>-c1`), so labs of parallel test files never meet;
// interface names are per namespace (veths are created directly inside them), so they need no id.
// `destroy()` (or `await using`, or `withLab`) stops the lab's processes and removes its
// namespaces and files; an exit, SIGINT or SIGTERM of the process that made it does the same.
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  cidr,
  hostAddress,
  LAN,
  MAX_HOSTS_PER_SIDE,
  PUBLIC,
  routerAddress,
  SERVER_SIDE,
  type Family,
  type HostAddress,
} from './addresses.js';
import { startCapture, type Capture, type CaptureOptions } from './capture.js';
import {
  dropInvalidRules,
  routerRules,
  type FirewallBackend,
  type NatMode,
  type RuleSet,
} from './firewall.js';
import { LabHost } from './host.js';
import {
  createNamespace,
  execIn,
  LAB_PREFIX,
  listLabNamespaces,
  releaseTempPath,
  removeNamespace,
  run,
  runId,
  sysctlIn,
  trackTempPath,
} from './netns.js';
import { ProcessRegistry } from './processes.js';
import { Router } from './router.js';
import {
  startBittorrent,
  type BittorrentOptions,
  type BittorrentSwarm,
} from './traffic/bittorrent.js';
import {
  replayGnutella,
  type GnutellaReplay,
  type GnutellaReplayOptions,
} from './traffic/gnutella.js';
import { replayCapture, type CaptureReplay, type ReplayOptions } from './traffic/replay.js';
import { startHttp, type HttpOptions, type HttpService } from './traffic/http.js';
import {
  openTcpConnections,
  type TcpConnectionOptions,
  type TcpConnections,
} from './traffic/tcp-connections.js';

export type { FirewallBackend, NatMode } from './firewall.js';

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

/** Interface name of a host (each host has one). */
export const HOST_IFACE = 'eth0';
export const LAN_BRIDGE = 'lan0';
export const WAN_BRIDGE = 'wan0';
/** The DNAT service address (public range .1 / ::1). */
export const SERVICE_ADDRESS: HostAddress = routerAddress(PUBLIC);

/** Directory holding a lab's generated files (`/tmp/p2pw-lab-<id>`). */
export function labWorkDir(id: string): string {
  return join(tmpdir(), `${LAB_PREFIX}-lab-${id}`);
}

function resolve(o: LabOptions): ResolvedLabOptions {
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

function applyRules(ns: string, rules: RuleSet): void {
  if (rules.kind === 'nft') execIn(ns, ['nft', '-f', '-'], { input: rules.script });
  else for (const argv of rules.commands) execIn(ns, argv);
}

/** A `tc` failure for a qdisc this kernel lacks becomes a message naming the kernel option. */
function addQdisc(ns: string, iface: string, args: string[], kernelOption: string): void {
  const r = execIn(ns, ['tc', 'qdisc', 'add', 'dev', iface, ...args], { allowFail: true });
  if (r.code !== 0) {
    const missing =
      /Unknown qdisc|No such file|not supported|Specified qdisc kind is unknown/i.test(r.stderr);
    throw new Error(
      missing
        ? `this kernel has no ${args[1]} qdisc (${kernelOption}), which the lab needs for that option`
        : `tc qdisc add dev ${iface} ${args.join(' ')} in ${ns} failed: ${r.stderr.trim()}`,
    );
  }
}

export class Lab implements AsyncDisposable {
  readonly id: string;
  readonly options: ResolvedLabOptions;
  /** Generated files (HTTP content, torrents, client state) live here; removed on destroy. */
  readonly workDir: string;
  readonly router: Router;
  readonly clients: LabHost[];
  readonly servers: LabHost[];
  readonly createdAt: string;
  /**
   * What this process started in the lab. They die with this process even when the lab is kept:
   * spawnIn (netns.ts) kills what it started at exit, SIGINT, SIGTERM and SIGHUP.
   */
  readonly processes = new ProcessRegistry();
  private destroyed = false;
  private readonly owned: boolean;
  private portCounter = 0;

  /** Use `createLab` or `attachLab`. */
  constructor(state: Omit<LabState, 'pid'>, owned: boolean) {
    this.id = state.id;
    this.options = state.options;
    this.workDir = state.workDir;
    this.createdAt = state.createdAt;
    this.owned = owned;
    const ns = (role: string) => `${LAB_PREFIX}-${this.id}-${role}`;
    this.router = new Router(
      {
        ns: ns('r'),
        lanIface: LAN_BRIDGE,
        wanIface: WAN_BRIDGE,
        lan: routerAddress(LAN),
        wan: routerAddress(SERVER_SIDE),
        service: this.options.nat === 'dnat' ? SERVICE_ADDRESS : null,
      },
      this.processes,
    );
    const make = (role: 'client' | 'server', i: number) =>
      new LabHost(
        {
          name: `${role === 'client' ? 'c' : 's'}${i}`,
          role,
          ns: ns(`${role === 'client' ? 'c' : 's'}${i}`),
          iface: HOST_IFACE,
          address: hostAddress(role === 'client' ? LAN : SERVER_SIDE, i),
        },
        this.processes,
      );
    this.clients = Array.from({ length: this.options.clients }, (_, i) => make('client', i + 1));
    this.servers = Array.from({ length: this.options.servers }, (_, i) => make('server', i + 1));
  }

  /** The first client (c1). */
  get client(): LabHost {
    return this.clients[0];
  }

  /** The first server (s1). */
  get server(): LabHost {
    return this.servers[0];
  }

  /** Every host: router, clients, servers. */
  get hosts(): LabHost[] {
    return [this.router, ...this.clients, ...this.servers];
  }

  host(name: string): LabHost {
    const h = this.hosts.find((x) => x.name === name || x.ns === name);
    if (!h)
      throw new Error(
        `lab ${this.id} has no host '${name}' (hosts: ${this.hosts.map((x) => x.name).join(', ')})`,
      );
    return h;
  }

  /**
   * The address a client connects to in order to reach `target`: with DNAT the public service
   * address for the first server, otherwise the target's own address (for the router: its LAN side).
   */
  reach(target: LabHost, family: Family = 4): string {
    if (this.router.service && target === this.server)
      return this.router.service[family === 4 ? 'ipv4' : 'ipv6'];
    return target.address(family);
  }

  /** The source address a server sees for connections from `client` (the router's under masquerade). */
  seenAs(client: LabHost, family: Family = 4): string {
    if (this.options.nat === 'masquerade' && client.role === 'client')
      return this.router.wan[family === 4 ? 'ipv4' : 'ipv6'];
    return client.address(family);
  }

  /** A port not handed out before in this lab (for generators that need one). */
  nextPort(): number {
    return 20000 + this.portCounter++;
  }

  describe(): LabState {
    return {
      id: this.id,
      options: this.options,
      workDir: this.workDir,
      createdAt: this.createdAt,
      pid: process.pid,
    };
  }

  /** Long-lived TCP connections whose endpoints report how they end. */
  tcpConnections(opts: TcpConnectionOptions): Promise<TcpConnections> {
    return openTcpConnections(this, opts);
  }

  /** An HTTP server with generated files of chosen sizes, and `curl` to fetch them. */
  http(opts: HttpOptions = {}): Promise<HttpService> {
    return startHttp(this, opts);
  }

  /** A BitTorrent swarm: tracker and seeders on the server side, leechers on the LAN. */
  bittorrent(opts: BittorrentOptions = {}): Promise<BittorrentSwarm> {
    return startBittorrent(this, opts);
  }

  /** Replays the payload streams of the corpus Gnutella capture between a client and a server. */
  gnutella(opts: GnutellaReplayOptions = {}): Promise<GnutellaReplay> {
    return replayGnutella(this, opts);
  }

  /** Replays the payload streams of any capture's TCP/UDP flows between a client and a server. */
  replay(opts: ReplayOptions): Promise<CaptureReplay> {
    return replayCapture(this, opts);
  }

  /** tcpdump on `iface` of `host` into `file` (pcap) until `stop()`. */
  capture(
    host: LabHost,
    iface: string,
    file: string,
    filter?: string,
    opts: CaptureOptions = {},
  ): Promise<Capture> {
    return startCapture(host, iface, file, filter, opts);
  }

  /** Stops the lab's processes; when the lab is owned (not attached), removes namespaces and files. */
  async destroy(): Promise<void> {
    if (this.destroyed) return;
    this.destroyed = true;
    try {
      await this.processes.stopAll();
    } finally {
      if (this.owned) removeLab(this.id);
    }
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.destroy();
  }
}

/** Removes every namespace and file of lab `id` (processes in its namespaces are killed). */
export function removeLab(id: string): void {
  const prefix = `${LAB_PREFIX}-${id}-`;
  for (const name of listLabNamespaces()) if (name.startsWith(prefix)) removeNamespace(name);
  releaseTempPath(labWorkDir(id));
  // a failed build may have written /etc/netns/<ns> before its namespace existed
  if (existsSync('/etc/netns')) {
    for (const name of readdirSync('/etc/netns')) {
      if (name.startsWith(prefix)) rmSync(`/etc/netns/${name}`, { recursive: true, force: true });
    }
  }
}

/** Builds a lab. Throws (after removing what it made) when a step fails. */
export async function createLab(options: LabOptions = {}): Promise<Lab> {
  const opts = resolve(options);
  const id = options.id ?? runId();
  if (!/^[0-9a-f]{6}$/.test(id)) throw new RangeError(`lab id '${id}' is not 6 hex digits`);
  const workDir = labWorkDir(id);
  if (!opts.keep) trackTempPath(workDir);
  mkdirSync(workDir, { recursive: true, mode: 0o755 });
  // A kept lab is not owned by this process: destroy() then stops only its processes.
  const lab = new Lab(
    { id, options: opts, workDir, createdAt: new Date().toISOString() },
    !opts.keep,
  );
  try {
    build(lab, opts);
  } catch (e) {
    await lab.destroy();
    removeLab(id);
    throw e;
  }
  return lab;
}

/** A lab that already exists (made by `npm run lab -- up`): destroy() stops only what this process started. */
export function attachLab(state: Omit<LabState, 'pid'> & { pid?: number }): Lab {
  return new Lab(state, false);
}

function build(lab: Lab, opts: ResolvedLabOptions): void {
  const { router, clients, servers } = lab;
  const keep = opts.keep;
  const hosts = [router, ...clients, ...servers];
  for (const h of hosts) {
    // `ip netns exec` bind-mounts /etc/netns/<ns>/* over /etc: a resolver on the host's loopback
    // that nothing answers, so a program in the lab that looks a name up (transmission's DHT
    // bootstrap host) fails at once instead of sending queries toward the host's real resolver.
    mkdirSync(`/etc/netns/${h.ns}`, { recursive: true });
    writeFileSync(
      `/etc/netns/${h.ns}/resolv.conf`,
      'nameserver 127.0.0.1\noptions timeout:1 attempts:1\n',
    );
    createNamespace(lab.id, h.name, { keep });
  }

  // No duplicate address detection: addresses are usable at once, and this lab has no duplicates.
  const quiet = {
    'net.ipv6.conf.all.accept_dad': 0,
    'net.ipv6.conf.default.accept_dad': 0,
    'net.ipv6.conf.all.accept_ra': 0,
    'net.ipv6.conf.default.accept_ra': 0,
  };
  for (const h of hosts) sysctlIn(h.ns, quiet);
  sysctlIn(router.ns, {
    'net.ipv4.ip_forward': 1,
    'net.ipv6.conf.all.forwarding': 1,
    // The bridges are plain switches: bridged frames do not traverse the router's IP hooks.
    'net.bridge.bridge-nf-call-iptables': 0,
    'net.bridge.bridge-nf-call-ip6tables': 0,
    'net.bridge.bridge-nf-call-arptables': 0,
  });

  const batch: string[] = [
    `link add ${LAN_BRIDGE} type bridge`,
    `link add ${WAN_BRIDGE} type bridge`,
  ];
  for (const [bridge, side] of [
    [LAN_BRIDGE, clients],
    [WAN_BRIDGE, servers],
  ] as const) {
    for (const h of side) {
      const port = `${bridge}-${h.name}`;
      batch.push(
        `link add ${port} type veth peer name ${HOST_IFACE} netns ${h.ns}`,
        `link set ${port} master ${bridge} up`,
      );
    }
  }
  batch.push(
    `addr add ${router.lan.ipv4}/${LAN.prefix4} dev ${LAN_BRIDGE}`,
    `addr add ${router.lan.ipv6}/${LAN.prefix6} dev ${LAN_BRIDGE} nodad`,
    `addr add ${router.wan.ipv4}/${SERVER_SIDE.prefix4} dev ${WAN_BRIDGE}`,
    `addr add ${router.wan.ipv6}/${SERVER_SIDE.prefix6} dev ${WAN_BRIDGE} nodad`,
    `link set ${LAN_BRIDGE} up`,
    `link set ${WAN_BRIDGE} up`,
  );
  run(['ip', '-n', router.ns, '-batch', '-'], { input: batch.join('\n') + '\n' });

  for (const h of [...clients, ...servers]) {
    const seg = h.role === 'client' ? LAN : SERVER_SIDE;
    const gw = h.role === 'client' ? router.lan : router.wan;
    const lines = [
      `addr add ${h.ipv4}/${seg.prefix4} dev ${HOST_IFACE}`,
      `addr add ${h.ipv6}/${seg.prefix6} dev ${HOST_IFACE} nodad`,
      `link set ${HOST_IFACE} up`,
    ];
    // Under masquerade the server side is "the internet": it has no route back into the LAN.
    if (h.role === 'client' || opts.nat !== 'masquerade') {
      lines.push(`route add default via ${gw.ipv4}`, `route add default via ${gw.ipv6}`);
    }
    run(['ip', '-n', h.ns, '-batch', '-'], { input: lines.join('\n') + '\n' });
  }

  const ctSysctls: Record<string, string | number> = { ...opts.routerSysctls };
  if (opts.conntrackAccounting) ctSysctls['net.netfilter.nf_conntrack_acct'] = 1;
  if (opts.conntrackEvents !== undefined)
    ctSysctls['net.netfilter.nf_conntrack_events'] = opts.conntrackEvents ? 1 : 0;
  applyRules(
    router.ns,
    routerRules({
      backend: opts.firewall,
      nat: opts.nat,
      wanIface: WAN_BRIDGE,
      lan4: cidr(LAN, 4),
      lan6: cidr(LAN, 6),
      service4: SERVICE_ADDRESS.ipv4,
      service6: SERVICE_ADDRESS.ipv6,
      target4: servers[0].ipv4,
      target6: servers[0].ipv6,
    }),
  );
  // After the rules: the conntrack sysctls of a namespace exist once conntrack is active there.
  sysctlIn(router.ns, ctSysctls);

  if (opts.endpointsDropInvalid) {
    const rules = dropInvalidRules(opts.firewall);
    for (const h of [...clients, ...servers]) applyRules(h.ns, rules);
  }
  for (const h of [...clients, ...servers]) {
    if (opts.delayMs !== undefined && opts.delayMs > 0) {
      const extra = opts.rateMbit ? ['rate', `${opts.rateMbit}mbit`] : [];
      addQdisc(
        h.ns,
        HOST_IFACE,
        ['root', 'netem', 'delay', `${opts.delayMs}ms`, ...extra, 'limit', '100000'],
        'CONFIG_NET_SCH_NETEM',
      );
    } else if (opts.rateMbit) {
      const burst = Math.max(16 * 1024, Math.ceil((opts.rateMbit * 1e6) / 8 / 250));
      addQdisc(
        h.ns,
        HOST_IFACE,
        ['root', 'tbf', 'rate', `${opts.rateMbit}mbit`, 'burst', String(burst), 'latency', '100ms'],
        'CONFIG_NET_SCH_TBF',
      );
    }
  }
}

/**
 * Runs `fn` with a fresh lab and always destroys it afterwards, also when `fn` throws.
 * `await withLab({ nat: 'masquerade' }, async (lab) => { … })`.
 */
export async function withLab<T>(options: LabOptions, fn: (lab: Lab) => Promise<T>): Promise<T> {
  const lab = await createLab(options);
  try {
    return await fn(lab);
  } finally {
    await lab.destroy();
  }
}
