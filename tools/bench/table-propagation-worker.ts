// One queue engine of the table-propagation measurement (table-propagation.ts), in a worker thread
// as `rope run --queue-balance` runs it (queue-worker.ts, queue-host.ts): a Decider with the
// scripts, the engine's tables, and a TableSync whose batches go to the main thread as the real
// `tables` messages and, on the mesh, to the other engines directly (table-mesh.ts). Instead of an NFQUEUE socket it hands the Decider packets in bursts of 32
// per turn of the event loop (what NfQueue reads per poll callback), back to back: a queue that
// never runs dry. Every `probeEveryMs` one packet of the burst, mid-burst, is a probe the probe
// script learns (its source endpoint into table `probe`); the worker reports when it handled it,
// and when a probe another engine learned arrives here, and whether its table then holds it.
import { parentPort, workerData } from 'node:worker_threads';
import { buildUdpPacket } from '@p2pwall/core';
import { encodeNfqPacket, NfqPacket, NlMsgView, type NfqDecision } from '@p2pwall/core/netlink';
import { compile } from '../../packages/rope/src/compile/compile.js';
import { Decider, type LiveGroup } from '../../packages/rope/src/live/decider.js';
import type { TableChange } from '../../packages/rope/src/tables/shared-table.js';
import { joinMesh } from '../../packages/rope/src/tables/table-mesh.js';
import { TableSync } from '../../packages/rope/src/tables/table-sync.js';
import { keyName, type ProbeWorkerData, type WorkerReport } from './table-propagation.js';

const port = parentPort;
if (!port) throw new Error('table-propagation-worker.ts runs only as a worker thread');
const data = workerData as ProbeWorkerData;
const post = (m: WorkerReport) => port.postMessage(m);
const clock = () => performance.timeOrigin + performance.now();

const groups: LiveGroup[] = data.groups.map((g) => {
  const { script, diagnostics } = compile(g.source, g.file);
  if (!script) throw new Error(diagnostics.map((d) => d.render()).join('\n'));
  return { script, pushes: [], action: { kind: 'drop' } };
});
const decider = new Decider({ groups });
const engine = decider.classifier.engine;
for (const g of groups) engine.loadTables(g.script);
const probes = engine.tables.get('probe');
if (!probes) throw new Error('the probe script declares no table "probe"');
const sync = new TableSync(
  engine.tables,
  (batch) => post({ type: 'tables', batch }),
  () => Date.now() / 1000,
);
const ticker = setInterval(() => decider.tick(), 250);

/** A packet message NfQueue would hand over; its source is rewritten in place per packet. */
function packetOf(payload: Buffer, src: string): { packet: NfqPacket; at: number } {
  const ip = buildUdpPacket({ src, dst: '192.0.2.1', srcPort: 1024, dstPort: 9000, payload });
  const message = encodeNfqPacket({
    queue: 0,
    family: 2,
    id: 1,
    hwProtocol: 0x0800,
    hook: 2,
    payload: ip,
  });
  const packet = new NfqPacket();
  if (!packet.reset(new NlMsgView().reset(message, 0)))
    throw new Error(`bad message: ${packet.fault}`);
  return { packet, at: packet.payloadOffset };
}
// the load: first packets of new UDP flows (every script runs on each), 100 payload bytes
const load = packetOf(Buffer.alloc(100, 0x5a), '198.18.0.0');
// probes: one source address per engine, a new source port per probe
const probe = packetOf(Buffer.from('PROBE'), `198.19.${data.id}.1`);
const decision: NfqDecision = { verdict: -1, mark: -1, connmark: -1 };

let packets = 0;
let nextProbe = clock() + data.probeEveryMs;
let probeCount = 0;
let running = true;

function handle(p: NfqPacket): void {
  decision.verdict = -1;
  decision.mark = -1;
  decision.connmark = -1;
  decider.handle(p, decision);
  packets++;
}

function burst(): void {
  if (!running) return;
  const b = load.packet.buf;
  for (let i = 0; i < data.burst; i++) {
    // a new flow per packet: 60,000 source ports per source address
    const host = Math.floor(packets / 60_000);
    b[load.at + 14] = (host >>> 8) & 0xff;
    b[load.at + 15] = host & 0xff;
    const sport = 1024 + (packets % 60_000);
    b[load.at + 20] = sport >>> 8;
    b[load.at + 21] = sport & 0xff;
    handle(load.packet);
    if (i === data.burst >> 1 && probeCount < data.probes && clock() >= nextProbe) {
      const sport = 1024 + probeCount;
      probe.packet.buf[probe.at + 20] = sport >>> 8;
      probe.packet.buf[probe.at + 21] = sport & 0xff;
      handle(probe.packet);
      post({ type: 'added', key: `198.19.${data.id}.1:${sport}`, at: clock() });
      probeCount++;
      nextProbe += data.probeEveryMs;
    }
  }
  if (data.paceMs > 0) setTimeout(burst, data.paceMs);
  else setImmediate(burst);
}

/** A batch from another engine (directly, or through the hub): applied, probes reported. */
function receive(batch: readonly TableChange[]): void {
  sync.receive(batch);
  const at = clock();
  const now = Date.now() / 1000;
  for (const c of batch)
    if (c.table === 'probe' && c.expires > 0)
      post({ type: 'seen', key: keyName(c.key), by: data.id, at, has: probes!.has(c.key, now) });
}
const closeMesh = joinMesh(sync, data.peers, receive);

port.on('message', (m: { type: 'tables'; batch: TableChange[] } | { type: 'go' | 'stop' }) => {
  if (m.type === 'go') {
    nextProbe = clock() + data.probeEveryMs;
    setImmediate(burst);
  } else if (m.type === 'tables') receive(m.batch);
  else {
    running = false;
    clearInterval(ticker);
    sync.stop();
    closeMesh();
    post({ type: 'stopped', packets, probes: probeCount });
    port.close();
  }
});
post({ type: 'ready' });
