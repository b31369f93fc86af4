// A queue as `rope run`'s main thread sees it, whether served in this thread or by a worker
// thread of its own (`--queue-balance`): its counters, its stop, and the events it sends up
// (matches, warnings, table changes, enforcement, RSTs to send) handed to the runner's handlers.
import { Worker, type MessagePort } from 'node:worker_threads';
import type { TableChange } from '../tables/shared-table.js';
import type { MatchEvent } from './decider.js';
import type { EnforcementEvent, PeerBlocker } from './enforcement.js';
import type { EnforceRequest } from './enforcer.js';
import { QueueHost, type HostConfig, type HostInfo } from './queue-host.js';
import { mergeDetails, type HostDetail } from './queue-metrics.js';
import type { SendRst } from './rst-sender.js';
import { mergeSnapshots, type LiveSnapshot } from './stats.js';
import type { ToMain, ToWorker } from './worker-messages.js';

/** A queue that could not be bound or a worker that could not start: a message for the user. */
export class LiveStartError extends Error {
  override name = 'LiveStartError';
}

export interface Shard {
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

export interface Handlers {
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

export async function localShard(config: HostConfig, h: Handlers): Promise<Shard> {
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
export function workerShard(config: HostConfig, h: Handlers, peers: MessagePort[]): Promise<Shard> {
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
