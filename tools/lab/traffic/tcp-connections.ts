// Long-lived TCP connections between two lab hosts, for testing what ends them (cutter, firewall
// rules): one tcp-peer.ts server process and one client process hold all sockets of a group, and
// report per connection when and how it ended. `conn.status()` answers from those reports.
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { Family } from '../addresses.js';
import { nodeArgv, repoRoot, type LabHost } from '../host.js';
import { stopProcess } from '../netns.js';
import { LabProcessError, onJsonLines, tail, waitFor } from '../processes.js';
import type { TrafficLab } from './traffic-lab.js';

const PEER_SCRIPT = join(repoRoot, 'tools', 'lab', 'traffic', 'tcp-peer.ts');

export type Busy = boolean | 'download' | 'upload' | 'both';

export interface TcpConnectionOptions {
  from: LabHost;
  to: LabHost;
  /** Number of connections (default 1). One process per side holds them all. */
  count?: number;
  /**
   * false: idle after the 8-byte hello. true or 'download': the server sends at full speed;
   * 'upload': the client does; 'both': both do.
   */
  busy?: Busy;
  /** Server port (default: a fresh one from the lab). */
  port?: number;
  family?: Family;
  /** Address the client connects to (default `lab.reach(to, family)`: the DNAT address when on). */
  address?: string;
  /** How long opening all connections may take (default 30 s). */
  timeoutMs?: number;
}

export type EndState = 'connecting' | 'open' | 'reset' | 'closed' | 'failed' | 'error';

export interface SocketAddress {
  address: string;
  port: number;
}

/** One endpoint's view of a connection. Times are wall-clock ms (fractional). */
export interface EndpointStatus {
  state: EndState;
  openedAt?: number;
  endedAt?: number;
  /** errno name for reset/error/failed (ECONNRESET, EPIPE, ECONNREFUSED, …). */
  code?: string;
  /** Who ended it: the peer (or the network), or this side by a command. */
  by?: 'peer' | 'local';
  /** Addresses as this endpoint's socket sees them (differ between the ends under NAT). */
  local?: SocketAddress;
  remote?: SocketAddress;
}

export interface ConnectionStatus {
  client: EndpointStatus;
  server: EndpointStatus;
}

export interface ConnectionStats {
  id: number;
  client: { rx: number; tx: number; lastRxAt: number };
  server: { rx: number; tx: number; lastRxAt: number };
}

export class TcpConnection {
  /** @internal */ readonly ends: ConnectionStatus = {
    client: { state: 'connecting' },
    server: { state: 'connecting' },
  };
  constructor(readonly id: number) {}

  /** A snapshot of both endpoints' states. */
  status(): ConnectionStatus {
    return { client: { ...this.ends.client }, server: { ...this.ends.server } };
  }

  /** The client's local port (what conntrack shows as the original source port without NAT). */
  get clientPort(): number | undefined {
    return this.ends.client.local?.port;
  }
}

type Side = 'client' | 'server';
type Waiter = () => void;

export class TcpConnections {
  readonly connections: TcpConnection[];
  private readonly waiters = new Set<Waiter>();
  private readonly statsWaiters: Record<
    Side,
    ((rows: [number, number, number, number][]) => void)[]
  > = { client: [], server: [] };
  private stopped = false;

  /** @internal */
  constructor(
    readonly from: LabHost,
    readonly to: LabHost,
    /** Address and port the client connected to. */
    readonly address: string,
    readonly port: number,
    readonly family: Family,
    readonly busy: Busy,
    private readonly server: ChildProcess,
    private readonly client: ChildProcess,
    count: number,
  ) {
    this.connections = Array.from({ length: count }, (_, i) => new TcpConnection(i));
  }

  /** Both peer processes still run (they die with their namespaces, e.g. after `lab down`). */
  get running(): boolean {
    return [this.client, this.server].every((c) => c.exitCode === null && c.signalCode === null);
  }

  /** Pids of the two peer processes. */
  get pids(): { client: number | undefined; server: number | undefined } {
    return { client: this.client.pid, server: this.server.pid };
  }

  [Symbol.iterator](): Iterator<TcpConnection> {
    return this.connections[Symbol.iterator]();
  }

  get(id: number): TcpConnection {
    const c = this.connections[id];
    if (!c) throw new RangeError(`no connection ${id} (have 0..${this.connections.length - 1})`);
    return c;
  }

  /** How many connections are in each state, per side. */
  counts(): Record<Side, Record<EndState, number>> {
    const zero = (): Record<EndState, number> => ({
      connecting: 0,
      open: 0,
      reset: 0,
      closed: 0,
      failed: 0,
      error: 0,
    });
    const out = { client: zero(), server: zero() };
    for (const c of this.connections) {
      out.client[c.ends.client.state]++;
      out.server[c.ends.server.state]++;
    }
    return out;
  }

  /** @internal */
  apply(side: Side, o: Record<string, unknown>): void {
    const id = typeof o.id === 'number' ? o.id : -1;
    if (o.event === 'stats') {
      const rows = o.conns as [number, number, number, number][];
      for (const w of this.statsWaiters[side].splice(0)) w(rows);
      return;
    }
    const conn = this.connections[id];
    if (!conn) return;
    const end = conn.ends[side];
    const at = o.at as number;
    switch (o.event) {
      case 'open':
        end.state = 'open';
        end.openedAt = at;
        end.local = o.local as SocketAddress;
        end.remote = o.remote as SocketAddress;
        break;
      case 'reset':
      case 'closed':
      case 'error':
      case 'failed':
        end.state = o.event;
        end.endedAt = at;
        if (typeof o.code === 'string') end.code = o.code;
        if (o.by === 'peer' || o.by === 'local') end.by = o.by;
        if (o.event === 'failed') conn.ends.server.state = 'failed';
        break;
      default:
        return;
    }
    for (const w of [...this.waiters]) w();
  }

  /**
   * Resolves when `predicate` holds for every connection in `which` (default all); rejects after
   * `timeoutMs` (default 10 s) with the per-side state counts.
   */
  waitFor(
    predicate: (s: ConnectionStatus, c: TcpConnection) => boolean,
    opts: { timeoutMs?: number; which?: TcpConnection[] } = {},
  ): Promise<void> {
    const which = opts.which ?? this.connections;
    const holds = () => which.every((c) => predicate(c.ends, c));
    if (holds()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const waiter = () => {
        if (!holds()) return;
        clearTimeout(timer);
        this.waiters.delete(waiter);
        resolve();
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(
          new Error(
            `tcp connections: condition not met after ${opts.timeoutMs ?? 10_000} ms; states ${JSON.stringify(this.counts())}`,
          ),
        );
      }, opts.timeoutMs ?? 10_000);
      this.waiters.add(waiter);
    });
  }

  /** Resolves when both endpoints of every connection in `which` are in one of `states`. */
  waitForState(
    states: EndState | EndState[],
    opts: { timeoutMs?: number; which?: TcpConnection[]; side?: Side | 'both' } = {},
  ): Promise<void> {
    const set = new Set(Array.isArray(states) ? states : [states]);
    const side = opts.side ?? 'both';
    return this.waitFor(
      (s) =>
        (side !== 'server' ? set.has(s.client.state) : true) &&
        (side !== 'client' ? set.has(s.server.state) : true),
      opts,
    );
  }

  private command(side: Side, cmd: object): void {
    const child = side === 'client' ? this.client : this.server;
    child.stdin?.write(JSON.stringify(cmd) + '\n');
  }

  /** Byte counters of every connection, as both processes see them now. */
  async stats(timeoutMs = 5000): Promise<ConnectionStats[]> {
    const ask = (side: Side) =>
      new Promise<[number, number, number, number][]>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`tcp ${side} process did not answer a stats request`)),
          timeoutMs,
        );
        this.statsWaiters[side].push((rows) => {
          clearTimeout(timer);
          resolve(rows);
        });
        this.command(side, { cmd: 'stats' });
      });
    const [c, s] = await Promise.all([ask('client'), ask('server')]);
    const byId = (rows: [number, number, number, number][]) =>
      new Map(rows.map((r) => [r[0], { rx: r[1], tx: r[2], lastRxAt: r[3] }]));
    const cm = byId(c);
    const sm = byId(s);
    const none = { rx: 0, tx: 0, lastRxAt: 0 };
    return this.connections.map((conn) => ({
      id: conn.id,
      client: cm.get(conn.id) ?? none,
      server: sm.get(conn.id) ?? none,
    }));
  }

  /** Closes connections gracefully (FIN) from one side. */
  close(side: Side, ids?: number[]): void {
    this.command(side, { cmd: 'close', ids: ids ?? [] });
  }

  /** Aborts connections from one side (the socket sends RST: SO_LINGER 0). */
  reset(side: Side, ids?: number[]): void {
    this.command(side, { cmd: 'reset', ids: ids ?? [] });
  }

  /** Stops both processes (their remaining sockets close with them). */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await Promise.all([stopProcess(this.client, 1000), stopProcess(this.server, 1000)]);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }
}

function sendMode(busy: Busy): string {
  if (busy === false) return 'none';
  if (busy === true || busy === 'download') return 'server';
  if (busy === 'upload') return 'client';
  return 'both';
}

export async function openTcpConnections(
  lab: TrafficLab,
  o: TcpConnectionOptions,
): Promise<TcpConnections> {
  const count = o.count ?? 1;
  if (!Number.isInteger(count) || count < 0)
    throw new RangeError(`tcp connections: count ${count} is not a whole number ≥ 0`);
  const family = o.family ?? 4;
  const port = o.port ?? lab.nextPort();
  const address = o.address ?? lab.reach(o.to, family);
  const timeoutMs = o.timeoutMs ?? 30_000;
  const busy = o.busy ?? false;
  const mode = sendMode(busy);

  const server = o.to.spawn(
    nodeArgv([PEER_SCRIPT, 'server', '--port', String(port), '--send', mode]),
  );
  const serverErr = tail(server.stderr);
  let group: TcpConnections | null = null;
  const early: Record<string, unknown>[] = [];
  let ready: ((v: void) => void) | null = null;
  onJsonLines(server.stdout!, (ev) => {
    if (ev.event === 'ready') ready?.();
    else if (group) group.apply('server', ev);
    else early.push(ev);
  });
  try {
    await waitFor<void>(
      server,
      `tcp server on ${o.to.name}:${port}`,
      timeoutMs,
      serverErr,
      (resolve) => {
        ready = resolve;
        return () => (ready = null);
      },
    );
  } catch (e) {
    await stopProcess(server, 0);
    throw e;
  }

  const client = o.from.spawn(
    nodeArgv([
      PEER_SCRIPT,
      'client',
      '--connect',
      address,
      '--port',
      String(port),
      '--count',
      String(count),
      '--send',
      mode,
    ]),
  );
  const clientErr = tail(client.stderr);
  group = new TcpConnections(o.from, o.to, address, port, family, busy, server, client, count);
  for (const ev of early) group.apply('server', ev);
  const g = group;
  let connected: ((v: { opened: number; failed: number }) => void) | null = null;
  onJsonLines(client.stdout!, (ev) => {
    if (ev.event === 'connected')
      connected?.({ opened: ev.opened as number, failed: ev.failed as number });
    else g.apply('client', ev);
  });
  try {
    const result = await waitFor<{ opened: number; failed: number }>(
      client,
      `tcp client on ${o.from.name} → ${address}:${port}`,
      timeoutMs,
      clientErr,
      (resolve) => {
        connected = resolve;
        return () => (connected = null);
      },
    );
    if (result.failed > 0) {
      const codes = [
        ...new Set(
          g.connections
            .filter((c) => c.ends.client.state === 'failed')
            .map((c) => c.ends.client.code),
        ),
      ];
      throw new LabProcessError(
        `tcp connections ${o.from.name} → ${address}:${port}: ${result.failed} of ${count} failed to connect (${codes.join(', ')})`,
      );
    }
    // The server learns a connection's id from its hello; wait until it has seen them all.
    await g.waitFor((s) => s.server.state !== 'connecting', { timeoutMs });
  } catch (e) {
    await g.stop();
    throw e;
  }
  return g;
}
