// rope run's Decider under a flood of new flows, in-process and without the kernel: N UDP packets,
// each the first of a new flow (the worst case: every packet creates flow state and all three
// built-in scripts run on it), handed to the Decider as NfQueue would, with the flow table at its
// default cap. Measures memory before, at the peak, right after the flood (the table full of the
// flood's flows, which it still remembers) and after they expire, the longest garbage-collection
// pause, and that every packet got its verdict. Run by flood.ts in a fresh process as
//   node --expose-gc --conditions=source --import tsx decider-flood.ts [N]
// and prints one JSON line.
import { constants, PerformanceObserver } from 'node:perf_hooks';
import { buildUdpPacket } from '@p2pwall/core';
import {
  encodeNfqPacket,
  NF_ACCEPT,
  NfqPacket,
  NlMsgView,
  type NfqDecision,
} from '@p2pwall/core/netlink';
import { compileBuiltin, pushInt } from '@p2pwall/rope';
import { Decider } from '../../packages/rope/src/live/decider.js';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');

const n = Number(process.argv[2] ?? 2_000_000);
const PORTS = 60_000;

const GC_FORCED = constants.NODE_PERFORMANCE_GC_FLAGS_FORCED;
let gcMax = 0;
let gcTotal = 0;
let gcCount = 0;
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    // the collections the measurements force are not the flood's
    if (((e as unknown as { detail?: { flags?: number } }).detail?.flags ?? 0) & GC_FORCED)
      continue;
    gcMax = Math.max(gcMax, e.duration);
    gcTotal += e.duration;
    gcCount++;
  }
}).observe({ entryTypes: ['gc'] });

const turn = () => new Promise((r) => setImmediate(r));

/** Memory after a full collection (and a turn of the event loop, which reports its pauses). */
async function memory(): Promise<{
  rss: number;
  heap: number;
  heapTotal: number;
  external: number;
}> {
  // twice, a moment apart: array buffers are swept and pages given back in the background
  gc!();
  await new Promise((r) => setTimeout(r, 200));
  gc!();
  await turn();
  const m = process.memoryUsage();
  return { rss: m.rss, heap: m.heapUsed, heapTotal: m.heapTotal, external: m.external };
}

const decider = new Decider({
  groups: [
    { script: compileBuiltin('bittorrent'), pushes: [], action: { kind: 'drop' } },
    { script: compileBuiltin('gnutella'), pushes: [], action: { kind: 'drop' } },
    {
      script: compileBuiltin('http-large', 1),
      pushes: [pushInt('1000000')],
      action: { kind: 'mark', mark: 7 },
    },
  ],
});
const maxFlows = decider.classifier.maxFlows;

// one packet message, the flow's source rewritten in place for every packet (the UDP checksum is
// not checked on this path); 100 payload bytes, as the lab's udp-load sends
const ip = buildUdpPacket({
  src: '198.18.0.0',
  dst: '192.0.2.1',
  srcPort: 1024,
  dstPort: 9000,
  payload: Buffer.alloc(100, 0x5a),
});
const message = encodeNfqPacket({
  queue: 0,
  family: 2,
  id: 1,
  hwProtocol: 0x0800,
  hook: 2,
  payload: ip,
});
const view = new NlMsgView().reset(message, 0);
const packet = new NfqPacket();
if (!packet.reset(view)) throw new Error(`bad message: ${packet.fault}`);
const at = packet.payloadOffset;
const decision: NfqDecision = { verdict: -1, mark: -1, connmark: -1 };

/** Feeds packets [from, to) of the flood; returns how many were accepted. */
function feed(from: number, to: number): number {
  let accepted = 0;
  const b = packet.buf;
  for (let i = from; i < to; i++) {
    const host = Math.floor(i / PORTS);
    b[at + 13] = 18 + ((host >>> 16) & 1);
    b[at + 14] = (host >>> 8) & 0xff;
    b[at + 15] = host & 0xff;
    const port = 1024 + (i % PORTS);
    b[at + 20] = port >>> 8;
    b[at + 21] = port & 0xff;
    decision.verdict = -1;
    decision.mark = -1;
    decision.connmark = -1;
    decider.handle(packet, decision);
    if (decision.verdict === NF_ACCEPT) accepted++;
  }
  return accepted;
}

// warm up the scripts' code on flows of another address, then forget them
decider.now = 1_000;
feed(n, n + 20_000);
decider.now += 3_600;
decider.classifier.expire(decider.now);
const before = await memory();
const gcBefore = { max: gcMax, total: gcTotal, count: gcCount };
gcMax = 0;
gcTotal = 0;
gcCount = 0;

let accepted = 0;
const t0 = process.hrtime.bigint();
const STEP = 50_000;
for (let i = 0; i < n; i += STEP) {
  accepted += feed(i, Math.min(n, i + STEP));
  // a turn of the event loop, as NfQueue gives between batches (and the GC observer reports)
  await turn();
}
const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
const flood = { max: gcMax, total: gcTotal, count: gcCount };
const remembered = decider.classifier.flowCount;
const afterFlood = await memory();
// the flood's flows go idle and expire (UDP: 180 s), as the host's timer expires them
decider.now += 3_600;
decider.classifier.expire(decider.now);
const afterExpiry = await memory();
// verdicts continue: a packet of a new flow after all that
const late = feed(n + 100_000, n + 100_001);

process.stdout.write(
  JSON.stringify({
    packets: n,
    maxFlows,
    remembered,
    accepted,
    late,
    seconds,
    before,
    // the process's peak (kilobytes in resourceUsage)
    peakRss: process.resourceUsage().maxRSS * 1024,
    afterFlood,
    afterExpiry,
    capacityAfterExpiry: decider.classifier.capacity,
    gcWarmup: gcBefore,
    gcFlood: flood,
    bytesPerFlow:
      (afterFlood.heap + afterFlood.external - before.heap - before.external) / remembered,
  }) + '\n',
);
