// `rope run` as a process: the queues served in this thread (`--queue N[:M]`) or by one worker
// thread per queue (`--queue-balance A:B`), counters on SIGUSR1 and every --stats-interval, one
// line per newly matched flow with --log, Prometheus metrics with --metrics, and a clean unbind
// on SIGINT/SIGTERM. A second SIGINT/SIGTERM while stopping exits at once (the kernel unbinds
// when the sockets close). The tables, the enforcement (locks, blocks, kernel sets), --state and
// the control socket live here on the main thread (run-tables.ts, engine-target.ts).
import { ControlStartError } from '../control/errors.js';
import { ControlServer } from '../control/server.js';
import { shareTargetText, type ShareTarget } from '../tables/share-target.js';
import { meshPorts } from '../tables/table-mesh.js';
import { actionText } from './actions.js';
import type { MatchEvent } from './decider.js';
import type { EnforcementEvent } from './enforcement.js';
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
import type { HostConfig } from './queue-host.js';
import { mergeDetails } from './queue-metrics.js';
import { LiveStartError, localShard, workerShard, type Handlers, type Shard } from './shards.js';
import { RunTables, type EnforceConfig } from './run-tables.js';
import {
  formatSnapshot,
  JSON_SCHEMA,
  mergeSnapshots,
  snapshotJson,
  type LiveSnapshot,
} from './stats.js';

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

export { LiveStartError } from './shards.js';

export interface LiveIo {
  out(text: string): void;
  err(text: string): void;
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
