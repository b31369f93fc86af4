// How long a key one queue's engine learns takes to reach the engines of the other queues under
// `rope run --queue-balance` (issue #13: "within 10 ms"). The path is rope run's own: one worker
// thread per queue (table-propagation-worker.ts: a Decider, its tables, TableSync), the main
// thread's RunTables (its TableHub takes each batch into the replica --state saves, and relays it
// to the engines the sender does not reach directly), the engines' table mesh (table-mesh.ts). Only
// the packet source differs: each engine is fed bursts of packets back to back instead of reading
// NFQUEUE, so every engine is busy all the time (the worst case for a message waiting its turn).
// Latency: from the end of the probe packet's handling in one engine to the moment another engine
// has applied the batch, both read from the same clock (performance.timeOrigin + now).
import { Worker, type MessagePort } from 'node:worker_threads';
import { builtinScriptPath } from '../../packages/rope/src/builtins/builtin-scripts.js';
import { readFileSync } from 'node:fs';
import { RunTables } from '../../packages/rope/src/live/run-tables.js';
import { meshPorts } from '../../packages/rope/src/tables/table-mesh.js';
import type { GroupSpec } from '../../packages/rope/src/live/queue-host.js';
import type { TableChange } from '../../packages/rope/src/tables/shared-table.js';

/** The script that learns each probe: its source endpoint, into table `probe`. */
export const PROBE_SCRIPT =
  'table( "probe" 65536 600 )\n"PROBE" expect_str src_endpoint_key "probe" table_add no\n';

export interface ProbeWorkerData {
  id: number;
  groups: { file: string; source: string }[];
  /** Packets handed to the Decider per turn of the event loop. */
  burst: number;
  probeEveryMs: number;
  probes: number;
  /** 0: bursts back to back (a queue that never runs dry); else a pause between bursts (ms). */
  paceMs: number;
  /** This engine's ends of the table mesh (empty: everything through the hub). */
  peers: MessagePort[];
}

export type WorkerReport =
  | { type: 'ready' }
  | { type: 'tables'; batch: TableChange[] }
  /** A probe this engine learned: the key (`addr:port`) and when its packet was handled. */
  | { type: 'added'; key: string; at: number }
  /** A probe another engine learned, applied by engine `by` at `at`; `has`: its table holds it. */
  | { type: 'seen'; key: string; by: number; at: number; has: boolean }
  | { type: 'stopped'; packets: number; probes: number };

export interface PropagationOptions {
  /** Queue engines (worker threads); default 2. */
  engines?: number;
  /** Probes each engine learns; default 50. */
  probes?: number;
  /** Time between one engine's probes; default 20 ms. */
  probeEveryMs?: number;
  /** Packets per turn of an engine's event loop; default 32, what NfQueue reads per callback. */
  burst?: number;
  /**
   * The engines send each other their batches directly, as rope run's workers do (default); false:
   * only through the main thread's hub, as before the mesh.
   */
  mesh?: boolean;
  /** Pause between an engine's bursts; default 0 (back to back: every engine always busy). */
  paceMs?: number;
  /** Scripts besides the probe script (the load's cost per packet); default bittorrent, gnutella. */
  builtins?: string[];
}

export interface PropagationResult {
  /** One latency (ms) per probe and engine that received it. */
  latenciesMs: number[];
  /** Per probe, the part of it until the main thread's hub had the batch (ms). */
  toHubMs: number[];
  /** Probes learned, over all engines. */
  added: number;
  /** Arrivals expected (probes × other engines) and seen with the key in the table. */
  expected: number;
  seenWithKey: number;
  /** Probes the main thread's replica holds at the end. */
  inReplica: number;
  /** Packets the engines handled, and the seconds it took. */
  packets: number;
  seconds: number;
}

function startWorker(data: ProbeWorkerData): Worker {
  const entry = new URL('./table-propagation-worker.ts', import.meta.url).href;
  const options = { workerData: data, transferList: data.peers };
  if (!import.meta.url.endsWith('.ts'))
    return new Worker(new URL('./table-propagation-worker.js', import.meta.url), options);
  // from the sources (tsx): a worker does not inherit tsx's hooks; it registers them first
  const boot = `import('tsx/esm/api').then((t) => { t.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(boot, { eval: true, ...options });
}

/** A probe's key (4 address bytes, 2 port bytes) as `addr:port`. */
export const keyName = (key: string) =>
  `${[...key.slice(0, 4)].map((c) => c.charCodeAt(0)).join('.')}:${(key.charCodeAt(4) << 8) | key.charCodeAt(5)}`;

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs the engines until each has learned its probes, and returns what arrived where, when. */
export async function measurePropagation(o: PropagationOptions = {}): Promise<PropagationResult> {
  const engines = o.engines ?? 2;
  const probes = o.probes ?? 50;
  const probeEveryMs = o.probeEveryMs ?? 20;
  const scripts: GroupSpec[] = (o.builtins ?? ['bittorrent', 'gnutella']).map((name) => {
    const file = builtinScriptPath(name);
    if (!file) throw new Error(`no built-in script ${name}`);
    return { file, source: readFileSync(file, 'utf8'), pushes: [], action: { kind: 'drop' } };
  });
  scripts.push({ file: 'probe.rope', source: PROBE_SCRIPT, pushes: [], action: { kind: 'drop' } });
  const tables = await RunTables.open(
    scripts,
    { inside: [], flushOnStop: false, rulesName: 'rope', state: null },
    false,
    { warn: (m) => process.stderr.write(`table-propagation: ${m}\n`), note: () => {} },
  );
  const added = new Map<string, number>();
  const latenciesMs: number[] = [];
  let seenWithKey = 0;
  let packets = 0;
  let learned = 0;
  const workers: Worker[] = [];
  const mesh = o.mesh === false ? null : meshPorts(engines);
  const ready: Promise<void>[] = [];
  const stopped: Promise<void>[] = [];
  // first arrival of each probe at each engine, by `key engine`: a probe may arrive at one engine
  // before the main thread hears its 'added' (two ports), so they are paired at the end
  const arrivals = new Map<string, number>();
  const atHub = new Map<string, number>();
  const clock = () => performance.timeOrigin + performance.now();
  for (let id = 0; id < engines; id++) {
    const worker = startWorker({
      id,
      groups: scripts.map((s) => ({ file: s.file, source: s.source })),
      burst: o.burst ?? 32,
      probeEveryMs,
      probes,
      paceMs: o.paceMs ?? 0,
      peers: mesh?.[id] ?? [],
    });
    workers.push(worker);
    const fromEngine = tables.attach(
      id,
      (batch) => worker.postMessage({ type: 'tables', batch }),
      mesh !== null,
    );
    let onReady!: () => void;
    let onStopped!: () => void;
    ready.push(new Promise((r) => (onReady = r)));
    stopped.push(new Promise((r) => (onStopped = r)));
    worker.on('error', (e) => process.stderr.write(`table-propagation: worker ${id}: ${e}\n`));
    worker.on('message', (m: WorkerReport) => {
      if (m.type === 'ready') onReady();
      else if (m.type === 'tables') {
        const at = clock();
        for (const c of m.batch) if (c.table === 'probe') atHub.set(keyName(c.key), at);
        fromEngine(m.batch);
      } else if (m.type === 'added') {
        added.set(m.key, m.at);
        learned++;
      } else if (m.type === 'seen') {
        const k = `${m.key} ${m.by}`;
        if (arrivals.has(k)) return;
        arrivals.set(k, m.at);
        if (m.has) seenWithKey++;
      } else {
        packets += m.packets;
        onStopped();
      }
    });
  }
  await Promise.all(ready);
  tables.started();
  for (const w of workers) w.postMessage({ type: 'go' });
  const t0 = performance.now();
  const limit = t0 + probes * probeEveryMs * 4 + 30_000;
  while (learned < probes * engines && performance.now() < limit) await wait(50);
  // the last probes' batches are on their way
  const expected = learned * (engines - 1);
  for (let i = 0; i < 100 && arrivals.size < expected; i++) await wait(20);
  const seconds = (performance.now() - t0) / 1000;
  for (const w of workers) w.postMessage({ type: 'stop' });
  await Promise.all(stopped);
  await Promise.all(workers.map((w) => w.terminate()));
  const toHubMs: number[] = [];
  for (const [k, at] of atHub) {
    const from = added.get(k);
    if (from !== undefined) toHubMs.push(at - from);
  }
  for (const [k, seenAt] of arrivals) {
    const at = added.get(k.slice(0, k.indexOf(' ')));
    if (at !== undefined) latenciesMs.push(seenAt - at);
  }
  const replica = tables.replica.get('probe');
  const now = Date.now() / 1000;
  let inReplica = 0;
  for (const key of added.keys()) {
    const [addr, port] = key.split(':');
    const bytes = [...addr.split('.').map(Number), Number(port) >> 8, Number(port) & 0xff];
    if (replica?.has(String.fromCharCode(...bytes), now)) inReplica++;
  }
  await tables.stop();
  return {
    latenciesMs,
    toHubMs,
    added: learned,
    expected,
    seenWithKey,
    inReplica,
    packets,
    seconds,
  };
}

/** The q-quantile (0–1) of `values` (nearest rank). */
export function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}
