// One lab as a program sees it: its hosts (router, clients, servers), where each is reached from
// the others, the processes started in it, and the traffic generators offered as methods. The
// network itself is built by network.ts; topology.ts makes, attaches and tears down labs.
import { hostAddress, LAN, routerAddress, SERVER_SIDE, type Family } from './addresses.js';
import { startCapture, type Capture, type CaptureOptions } from './capture.js';
import { LabHost } from './host.js';
import type { LabState, ResolvedLabOptions } from './lab-options.js';
import { LAB_PREFIX } from './netns.js';
import { HOST_IFACE, LAN_BRIDGE, removeLab, SERVICE_ADDRESS, WAN_BRIDGE } from './network.js';
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
import {
  startHardNegatives,
  type HardNegativeOptions,
  type HardNegatives,
} from './traffic/hard-negatives.js';
import { startHttp, type HttpOptions, type HttpService } from './traffic/http.js';
import {
  startLibtorrentSwarm,
  type LibtorrentSwarm,
  type LibtorrentSwarmOptions,
} from './traffic/libtorrent.js';
import { replayCapture, type CaptureReplay, type ReplayOptions } from './traffic/replay.js';
import {
  openTcpConnections,
  type TcpConnectionOptions,
  type TcpConnections,
} from './traffic/tcp-connections.js';
import type { TrafficLab } from './traffic/traffic-lab.js';

export class Lab implements TrafficLab, AsyncDisposable {
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

  /** A libtorrent swarm with encryption forced (tracker or DHT, TCP or uTP; aria2c leechers). */
  libtorrent(opts: LibtorrentSwarmOptions): Promise<LibtorrentSwarm> {
    return startLibtorrentSwarm(this, opts);
  }

  /** HTTPS, random-payload TCP/UDP and DNS servers that BitTorrent detection must leave alone. */
  hardNegatives(opts: HardNegativeOptions = {}): Promise<HardNegatives> {
    return startHardNegatives(this, opts);
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
