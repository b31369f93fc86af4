// `rope run` as a process: the queues served in this thread (`--queue N[:M]`) or by one worker
// thread per queue (`--queue-balance A:B`), counters on SIGUSR1 and every --stats-interval, one
// line per newly matched flow with --log, Prometheus metrics with --metrics, and a clean unbind
// on SIGINT/SIGTERM. A second SIGINT/SIGTERM while stopping exits at once (the kernel unbinds
// when the sockets close). The tables, the enforcement (locks, blocks, kernel sets), --state and
// the control socket live here on the main thread (run-tables.ts, engine-target.ts).
import { Worker, type MessagePort } from 'node:worker_threads';
import { ControlStartError } from '../control/errors.js';
import { ControlServer } from '../control/server.js';
import { shareTargetText, type ShareTarget } from '../tables/share-target.js';
import { meshPorts } from '../tables/table-mesh.js';
import type { TableChange } from '../tables/shared-table.js';
import { actionText } from './actions.js';
import type { MatchEvent } from './decider.js';
import type { EnforcementEvent, PeerBlocker } from './enforcement.js';
import type { EnforceRequest } from './enforcer.js';
import { ExecHook } from './exec/exec-hook.js';
import { EngineControlTarget } from './engine-target.js';
import { withEnforcement } from './enforce-census.js';
import { enforcementLine } from './enforcement-log.js';
import { startFleetShare, type FleetShare } from './fleet-share.js';
import {
  MetricsServerError,
  startMetricsServer,
  type MetricsAddress,
  type MetricsServer,
} from './metrics-server.js';
import { QueueHost, type HostConfig, type HostInfo } from './queue-host.js';
import { mergeDetails, type HostDetail } from './queue-metrics.js';
import { RunTables, type EnforceConfig } from './run-tables.js';
import {
  formatSnapshot,
  JSON_SCHEMA,
  mergeSnapshots,
  snapshotJson,
  type LiveSnapshot,
} from './stats.js';
import type { SendRst } from './rst-sender.js';
import type { ToMain, ToWorker } from './worker-messages.js';

export interface LiveRunOptions {
  config: HostConfig;
  /** One worker thread per queue. */
  balance: boolean;
  /** Seconds between counter reports (null: only on SIGUSR1 and at the end). */
  statsInterval: number | null;
  statsJson: boolean;
  log: boolean;
  /** Serve Prometheus metrics there (null: no). */
  metrics?: MetricsAddress | null;
  /** Locks, blocks, kernel sets and --state (defaults: none of them). */
  enforce?: EnforceConfig;
  /** Serve the control protocol on this unix socket (null: no). */
  control?: string | null;
  /** Told about every lock, block and cut (the log, --exec). */
  onEnforcement?: (e: EnforcementEvent) => void;
  /** `--exec CMD` as words: run for every lock, block and cut (null or absent: none). */
  exec?: readonly string[] | null;
  /** Keep the tables in step with other gateways' through this Redis (null: no). */
  share?: ShareTarget | null;
}

export interface LiveIo {
  out(text: string): void;
  err(text: string): void;
}

/** A queue that could not be bound or a worker that could not start: a message for the user. */
export class LiveStartError extends Error {
  override name = 'LiveStartError';
}

interface Shard {
  info: HostInfo;
  snapshot(uptime: number): Promise<LiveSnapshot>;
  /** The counters only --metrics reports. */
  detail(): Promise<HostDetail>;
  /** Stops and returns the last counters. */
  stop(uptime: number): Promise<LiveSnapshot>;
  passAll(on: boolean): void;
  /** A name `rope ctl ban-dns` added, for the DNS training. */
  banName(name: string): void;
}

interface Handlers {
  onMatch(e: MatchEvent & { queue?: number }): void;
  onWarning(m: string): void;
  onFatal(m: string): void;
  onEnforce(r: EnforceRequest): void;
  /** Where cuts and DNS training block peers (the enforcer). */
  blocker: PeerBlocker;
  /** A cut (locks and blocks come from the enforcer itself). */
  onEnforcement(e: EnforcementEvent): void;
  /** Sends a cut's RST from this (the main) thread; null without --on-match cut. */
  sendRst: SendRst | null;
  /**
   * Engine `id` joins the tables: it gets batches through `toEngine`; returns its sender. A
   * `meshed` engine exchanges batches with the other meshed ones directly.
   */
  attachTables(
    id: number,
    toEngine: (b: TableChange[]) => void,
    meshed?: boolean,
  ): (b: TableChange[]) => void;
}

async function localShard(config: HostConfig, h: Handlers): Promise<Shard> {
  let fromEngine: ((b: TableChange[]) => void) | null = null;
  const host = await QueueHost.start(config, {
    onMatch: h.onMatch,
    onWarning: h.onWarning,
    onEnforce: h.onEnforce,
    onTables: (b) => fromEngine?.(b),
    blocker: h.blocker,
    onEnforcement: h.onEnforcement,
    ...(h.sendRst ? { sendRst: h.sendRst } : {}),
  });
  fromEngine = h.attachTables(0, (b) => host.receiveTables(b));
  return {
    info: host.info,
    passAll: (on) => host.setPassAll(on),
    banName: (name) => void host.trainer?.banName(name),
    snapshot: async (uptime) => host.snapshot(uptime),
    detail: async () => host.detail(),
    async stop(uptime) {
      const s = host.snapshot(uptime);
      await host.stop();
      return s;
    },
  };
}

function startWorker(config: HostConfig, peers: MessagePort[]): Worker {
  const data = { workerData: { config, peers }, transferList: peers };
  if (!import.meta.url.endsWith('.ts'))
    return new Worker(new URL('./queue-worker.js', import.meta.url), data);
  // running from the sources (tsx, `--conditions=source`, as the tests do): tsx's hooks are not
  // inherited by workers, so the worker registers them before it loads the TypeScript entry
  const entry = new URL('./queue-worker.ts', import.meta.url).href;
  const boot = `import('tsx/esm/api').then((t) => { t.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(boot, { eval: true, ...data });
}

/** A queue's worker; `peers`: its ends of the table mesh with the other queues' workers. */
function workerShard(config: HostConfig, h: Handlers, peers: MessagePort[]): Promise<Shard> {
  const worker = startWorker(config, peers);
  const fromEngine = h.attachTables(
    config.queues[0],
    (batch) => {
      if (!exited) worker.postMessage({ type: 'tables', batch } satisfies ToWorker);
    },
    true,
  );
  const waiting = new Map<number, (s: LiveSnapshot) => void>();
  const waitingDetail = new Map<number, (d: HostDetail) => void>();
  let stopped: ((s: LiveSnapshot) => void) | null = null;
  let nextId = 1;
  let ready = false;
  let exited = false;
  // the counters last heard, answered once the worker is gone (it cannot be asked any more)
  let last: LiveSnapshot | null = null;
  let lastDetail: HostDetail | null = null;
  const gone = (uptime: number): LiveSnapshot =>
    last ?? { ...mergeSnapshots([], uptime), queues: [] };
  const goneDetail = (): HostDetail => lastDetail ?? mergeDetails([]);
  const send = (m: ToWorker) => worker.postMessage(m);
  return new Promise<Shard>((resolve, reject) => {
    worker.on('message', (m: ToMain) => {
      switch (m.type) {
        case 'ready':
          ready = true;
          resolve({
            info: m.info,
            passAll: (on) => {
              if (!exited) send({ type: 'pass-all', on });
            },
            banName: (name) => {
              if (!exited) send({ type: 'ban-dns', pattern: name });
            },
            snapshot: (uptime) =>
              exited
                ? Promise.resolve(gone(uptime))
                : new Promise((res) => {
                    const id = nextId++;
                    waiting.set(id, res);
                    send({ type: 'stats', id, uptime });
                  }),
            detail: () =>
              exited
                ? Promise.resolve(goneDetail())
                : new Promise((res) => {
                    const id = nextId++;
                    waitingDetail.set(id, res);
                    send({ type: 'detail', id });
                  }),
            stop: (uptime) =>
              exited
                ? Promise.resolve(gone(uptime))
                : new Promise((res) => {
                    stopped = res;
                    send({ type: 'stop', uptime });
                  }),
          });
          break;
        case 'fatal':
          if (ready) h.onFatal(m.message);
          else reject(new LiveStartError(m.message));
          break;
        case 'warning':
          h.onWarning(m.message);
          break;
        case 'match':
          h.onMatch(m.event);
          break;
        case 'tables':
          fromEngine(m.batch);
          break;
        case 'enforce':
          h.onEnforce(m.request);
          break;
        case 'block':
          h.blocker.blockPeer(m.addr, m.port, m.seconds, m.label);
          break;
        case 'enforcement':
          h.onEnforcement(m.event);
          break;
        case 'rst':
          h.sendRst?.(m.packet, m.dst, m.family);
          break;
        case 'stats':
          last = m.snapshot;
          waiting.get(m.id)?.(m.snapshot);
          waiting.delete(m.id);
          break;
        case 'detail':
          lastDetail = m.detail;
          waitingDetail.get(m.id)?.(m.detail);
          waitingDetail.delete(m.id);
          break;
        case 'stopped':
          last = m.snapshot;
          stopped?.(m.snapshot);
          break;
      }
    });
    worker.on('error', (e) =>
      ready
        ? h.onFatal(`worker of queue ${config.queues[0]}: ${e.message}`)
        : reject(new LiveStartError(`worker of queue ${config.queues[0]}: ${e.message}`)),
    );
    worker.on('exit', (code) => {
      exited = true;
      if (!ready) {
        reject(
          new LiveStartError(
            `the worker of queue ${config.queues[0]} exited (${code}) before binding`,
          ),
        );
        return;
      }
      if (!stopped) h.onFatal(`the worker of queue ${config.queues[0]} exited (${code})`);
      const s = gone(0);
      for (const res of waiting.values()) res(s);
      waiting.clear();
      for (const res of waitingDetail.values()) res(goneDetail());
      waitingDetail.clear();
      stopped?.(s);
    });
  });
}

function matchLine(e: MatchEvent & { queue?: number }, json: boolean): string {
  if (json) {
    const { time, ...rest } = e;
    return (
      JSON.stringify({
        event: 'match',
        schema: JSON_SCHEMA,
        time: new Date(time * 1000).toISOString(),
        ...rest,
      }) + '\n'
    );
  }
  return `${new Date(e.time * 1000).toISOString()} match ${e.script} ${e.protocol} ${e.from} > ${e.to} packet ${e.packet}: ${e.action}\n`;
}

/** Runs until SIGINT/SIGTERM (or `stop` resolves); returns the exit status. */
export async function runLive(
  o: LiveRunOptions,
  io: LiveIo,
  stop?: Promise<void>,
): Promise<number> {
  const started = Date.now();
  const uptime = () => (Date.now() - started) / 1000;
  let fatal: string | null = null;
  let wake: () => void = () => {};
  const stopRequested = new Promise<void>((r) => (wake = r));
  const enforce: EnforceConfig = o.enforce ?? {
    inside: [],
    flushOnStop: false,
    rulesName: 'rope',
    state: null,
  };
  const timed = o.config.groups.some(
    (g) => g.action.kind === 'lock' || g.action.kind === 'block-peer',
  );
  // cuts of UDP flows and DNS training block peers in the kernel sets too
  const blocks =
    o.config.groups.some((g) => g.action.kind === 'cut') || o.config.dnsTrain !== undefined;
  const tables = await RunTables.open(o.config.groups, enforce, timed || blocks || !!o.control, {
    warn: (m) => io.err(`rope run: ${m}\n`),
    note: (m) => io.err(`rope run: note: ${m}\n`),
  });
  const exec = o.exec
    ? new ExecHook({ argv: o.exec, log: (line) => io.err(`rope run: ${line}\n`) })
    : null;
  const onEvent = (e: EnforcementEvent) => {
    if (o.log) io.out(enforcementLine(e, o.statsJson));
    o.onEnforcement?.(e);
    exec?.notify(e);
  };
  tables.enforcer.onEvent(onEvent);
  // loaded only for --on-match cut: the raw-socket add-on it opens needs CAP_NET_RAW at the first
  // RST and may live in one thread only, this one
  const rst = o.config.groups.some((g) => g.action.kind === 'cut')
    ? new (await import('./rst-sender.js')).RstSender((_key, m) => io.err(`rope run: ${m}\n`))
    : null;
  const handlers: Handlers = {
    onMatch: o.log ? (e) => io.out(matchLine(e, o.statsJson)) : () => {},
    onWarning: (m) => io.err(`rope run: ${m}\n`),
    onFatal: (m) => {
      fatal = m;
      wake();
    },
    onEnforce: (r) => tables.enforcer.enforce(r),
    blocker: tables.enforcer,
    onEnforcement: onEvent,
    sendRst: rst?.send ?? null,
    attachTables: (id, toEngine, meshed) => tables.attach(id, toEngine, meshed),
  };
  // Handlers first: a SIGUSR1 without one would open Node's inspector, a SIGTERM during start-up
  // would skip the unbind.
  const shards: Shard[] = [];
  let report: (() => Promise<void>) | null = null;
  let stopping = false;
  const onUsr1 = () => void report?.();
  const onStop = () => {
    if (stopping) {
      io.err('rope run: stopping at once\n');
      process.exit(130);
    }
    stopping = true;
    wake();
  };
  process.on('SIGUSR1', onUsr1);
  process.on('SIGINT', onStop);
  process.on('SIGTERM', onStop);
  const unhook = () => {
    process.off('SIGUSR1', onUsr1);
    process.off('SIGINT', onStop);
    process.off('SIGTERM', onStop);
  };
  let metrics: MetricsServer | null = null;
  let fleet: FleetShare | null = null;
  let control: ControlServer | null = null;
  // the threads' counters summed, with the main thread's (locks, blocks, --exec) added
  const merged = (parts: LiveSnapshot[]) =>
    withEnforcement(mergeSnapshots(parts, uptime()), tables.enforcer, exec, rst);
  const snapshotAll = async () =>
    merged(await Promise.all(shards.map((x) => x.snapshot(uptime()))));
  try {
    if (o.metrics) {
      metrics = await startMetricsServer(o.metrics, async () => {
        const [snapshots, details] = await Promise.all([
          Promise.all(shards.map((x) => x.snapshot(uptime()))),
          Promise.all(shards.map((x) => x.detail())),
        ]);
        return {
          snapshot: merged(snapshots),
          detail: mergeDetails(details),
          share: fleet && { counters: fleet.share.counters, connected: fleet.share.connected },
        };
      });
    }
    if (o.balance) {
      const mesh = meshPorts(o.config.queues.length);
      const started = await Promise.allSettled(
        o.config.queues.map((q, i) => workerShard({ ...o.config, queues: [q] }, handlers, mesh[i])),
      );
      for (const s of started) if (s.status === 'fulfilled') shards.push(s.value);
      const failed = started.find((s) => s.status === 'rejected');
      if (failed) throw (failed as PromiseRejectedResult).reason;
    } else shards.push(await localShard(o.config, handlers));
    tables.started();
    if (o.control) {
      const target = new EngineControlTarget({
        enforcer: tables.enforcer,
        snapshot: snapshotAll,
        setPassAll: (on) => shards.forEach((s) => s.passAll(on)),
        dnsTrain: o.config.dnsTrain !== undefined,
      });
      // `rope ctl ban-dns` names reach every engine's DNS training
      for (const name of target.bannedDnsNames()) shards.forEach((s) => s.banName(name));
      target.onBanDns((name) => shards.forEach((s) => s.banName(name)));
      control = await ControlServer.listen({
        path: o.control,
        target,
        onWarning: (m) => io.err(`rope run: control: ${m}\n`),
      });
    }
  } catch (e) {
    await Promise.all(shards.map((s) => s.stop(uptime())));
    await metrics?.close();
    await tables.stop();
    rst?.close();
    unhook();
    if (e instanceof MetricsServerError || e instanceof ControlStartError)
      throw new LiveStartError(e.message);
    throw e;
  }

  // once the engines are attached: Redis is never waited for
  if (o.share) fleet = startFleetShare(o.share, tables, (line) => io.err(`rope run: ${line}\n`));

  const q = o.config.queues;
  const where = q.length === 1 ? `NFQUEUE ${q[0]}` : `NFQUEUE ${q[0]}-${q[q.length - 1]}`;
  const actions = o.config.groups
    .map((g) => `${g.file.replace(/^.*\//, '').replace(/\.rope$/, '')} → ${actionText(g.action)}`)
    .join(', ');
  io.err(
    `rope run: bound ${where} (${o.balance ? `${q.length} worker threads` : 'one thread'}); ${actions}; other packets → ${o.config.defaultVerdict}; ` +
      `window ${o.config.window}${o.config.failOpen ? '; fail-open' : ''}${metrics ? `; metrics at ${metrics.url}` : ''}` +
      `${tables.setsWhere ? `; kernel sets ${tables.setsWhere}` : ''}${control ? `; control at ${control.path}` : ''}` +
      `${o.share ? `; tables shared through ${shareTargetText(o.share)}` : ''}\n`,
  );
  const unavailable = shards[0]?.info.conntrackUnavailable;
  if (unavailable) {
    io.err(
      `rope run: note: ${unavailable}; $ct_* come from rope's own flow table, and a flow keeps its mark through the rules' save-mark (see rope rules)\n`,
    );
  }

  report = async () => {
    const s = await snapshotAll();
    io.out(o.statsJson ? snapshotJson(s) : formatSnapshot(s));
  };
  const timer = o.statsInterval ? setInterval(() => void report?.(), o.statsInterval * 1000) : null;
  try {
    await Promise.race([stopRequested, ...(stop ? [stop] : [])]);
  } finally {
    if (timer) clearInterval(timer);
    report = null;
    await metrics?.close();
    await control?.close();
    await fleet?.stop();
    const last = merged(await Promise.all(shards.map((s) => s.stop(uptime()))));
    await tables.stop();
    rst?.close();
    io.out(o.statsJson ? snapshotJson(last) : formatSnapshot(last));
    unhook();
  }
  if (fatal) {
    io.err(`rope run: ${fatal}\n`);
    return 1;
  }
  return 0;
}
