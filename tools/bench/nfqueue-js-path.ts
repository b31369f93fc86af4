// The JavaScript share of rope run's per-packet work, without the kernel: packet messages as the
// kernel sends them go through NfQueue (decode, the handler, verdicts staged and written once per
// run of 16 packets, as recvmmsg delivers them, an event-loop turn every 256) with the Decider and
// the three built-in scripts as handler, over a fake socket. Reports time and bytes allocated per packet. Run by nfqueue.ts as
//   node --expose-gc --max-semi-space-size=512 --conditions=source --import tsx nfqueue-js-path.ts
// so a pass fits in the young generation: the heap growth over the pass is what it allocated
// (the pass is rejected if a garbage collection ran during it).
import { EventEmitter } from 'node:events';
import { PerformanceObserver } from 'node:perf_hooks';
import { buildTcpPacket, buildUdpPacket } from '@p2pwall/core';
import {
  encodeNfqPacket,
  forEachMessage,
  NfQueue,
  NlMsgView,
  type QueueSocket,
  type RequestResult,
} from '@p2pwall/core/netlink';
import { compileBuiltin, pushInt, type BuiltinScript, type Script } from '@p2pwall/rope';
import { Decider } from '../../packages/rope/src/live/decider.js';

class NullSocket extends EventEmitter implements QueueSocket {
  onMessage: QueueSocket['onMessage'] = null;
  onBatchEnd: (() => void) | null = null;
  readonly receivesInRuns = true;
  isClosed = false;
  readonly portId = 1;
  private readonly view = new NlMsgView();
  private readonly dispatch = (m: NlMsgView) => this.onMessage!(m);
  sent = 0;
  nextSeq(): number {
    return 1;
  }
  async request(): Promise<RequestResult> {
    return { interrupted: false, messages: 0 };
  }
  sendNow(_buf: Uint8Array, len: number): boolean {
    this.sent += len;
    return true;
  }
  send(msg: Uint8Array | Uint8Array[], onSent?: (failed: boolean) => void): void {
    this.sent += (msg as Uint8Array).length;
    onSent?.(false);
  }
  close(): void {
    this.isClosed = true;
  }
  deliver(b: Buffer): void {
    forEachMessage(b, b.length, this.view, this.dispatch);
  }
}

function builtin(name: BuiltinScript): Script {
  return compileBuiltin(name, name === 'http-large' ? 1 : 0);
}

// udp-new-flows-learned: the same traffic once bittorrent.rope has learned peers (a tracker's
// answer, a DHT reply), as on any network with BitTorrent: every windowed packet then asks its
// tables whether anything was learned and whether the flow's endpoints were.
type Scenario = 'udp-new-flows' | 'udp-new-flows-learned' | 'udp-long-flow' | 'tcp-long-flow';

function messages(scenario: Scenario, n: number): Buffer[] {
  const out: Buffer[] = [];
  const payload = Buffer.alloc(100, 0x5a);
  for (let i = 0; i < n; i++) {
    let ip: Uint8Array;
    if (scenario === 'udp-new-flows' || scenario === 'udp-new-flows-learned') {
      // a new flow every second packet (one each way)
      const flow = i >> 1;
      const c = `192.0.2.${1 + ((flow >> 16) % 200)}`;
      const cport = 1024 + (flow % 60000);
      ip =
        i & 1
          ? buildUdpPacket({ src: '198.51.100.10', dst: c, srcPort: 9000, dstPort: cport, payload })
          : buildUdpPacket({
              src: c,
              dst: '198.51.100.10',
              srcPort: cport,
              dstPort: 9000,
              payload,
            });
    } else if (scenario === 'udp-long-flow') {
      ip = buildUdpPacket({
        src: '192.0.2.10',
        dst: '198.51.100.10',
        srcPort: 40000,
        dstPort: 9000,
        payload,
      });
    } else {
      ip = buildTcpPacket({
        src: '198.51.100.10',
        dst: '192.0.2.10',
        srcPort: 80,
        dstPort: 40000,
        seq: 1000 + i * 1448,
        flags: 0x10,
        payload: Buffer.alloc(1448, 0x61),
      });
    }
    out.push(
      encodeNfqPacket({
        queue: 0,
        family: 2,
        id: i + 1,
        hwProtocol: 0x0800,
        hook: 2,
        indev: 2,
        outdev: 3,
        payload: ip,
      }),
    );
  }
  return out;
}

/**
 * What bittorrent.rope's $shared block leaves after a tracker's answer: its marker key and 100
 * peers (none of them the flows' endpoints), with the lifetime the script declares.
 */
function learnPeers(decider: Decider, bittorrent: Script): void {
  const engine = decider.classifier.engine;
  engine.loadTables(bittorrent); // as its first run would
  const peers = engine.tables.get('bt-peers');
  if (!peers) throw new Error('bittorrent.rope declares no bt-peers table');
  const now = Date.now() / 1000;
  peers.add('\x01', now);
  for (let i = 0; i < 100; i++) peers.add(String.fromCharCode(203, 0, 113, i, 0x1a, 0xe1), now);
}

const RUN = 16;
const TURN = 256;

async function pass(socket: NullSocket, msgs: Buffer[], from: number, to: number): Promise<void> {
  for (let i = from; i < to; i++) {
    socket.deliver(msgs[i]);
    if ((i + 1) % RUN === 0) socket.onBatchEnd?.();
    if ((i + 1) % TURN === 0) await new Promise((r) => setImmediate(r));
  }
  socket.onBatchEnd?.();
  await new Promise((r) => setImmediate(r));
}

let gcs = 0;
new PerformanceObserver((l) => (gcs += l.getEntries().length)).observe({ entryTypes: ['gc'] });
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');

const results: Record<string, unknown>[] = [];
for (const scenario of [
  'udp-new-flows',
  'udp-new-flows-learned',
  'udp-long-flow',
  'tcp-long-flow',
] as Scenario[]) {
  const n = Number(process.env.PACKETS ?? 60_000);
  const warm = 20_000;
  const msgs = messages(scenario, warm + n);
  const bittorrent = builtin('bittorrent');
  const decider = new Decider({
    groups: [
      { script: bittorrent, pushes: [], action: { kind: 'drop' } },
      { script: builtin('gnutella'), pushes: [], action: { kind: 'drop' } },
      {
        script: builtin('http-large'),
        pushes: [pushInt('1000000')],
        action: { kind: 'mark', mark: 7 },
      },
    ],
  });
  if (scenario === 'udp-new-flows-learned') learnPeers(decider, bittorrent);
  const socket = new NullSocket();
  await NfQueue.attach(socket, { queue: 0, onPacket: (p, d) => decider.handle(p, d) });
  await pass(socket, msgs, 0, warm);
  gc();
  await new Promise((r) => setTimeout(r, 50));
  const runs = () => decider.groupSnapshots().reduce((a, g) => a + g.runs, 0);
  // the warm-up's runs are not the measured pass's
  const runsBefore = runs();
  const gcsBefore = gcs;
  const heap0 = process.memoryUsage().heapUsed;
  const t0 = process.hrtime.bigint();
  await pass(socket, msgs, warm, warm + n);
  const ns = Number(process.hrtime.bigint() - t0);
  const heap1 = process.memoryUsage().heapUsed;
  const s = decider.totalsSnapshot();
  results.push({
    scenario,
    packets: n,
    nsPerPacket: ns / n,
    bytesPerPacket: gcs === gcsBefore ? (heap1 - heap0) / n : null,
    flows: s.flows,
    scriptRuns: runs() - runsBefore,
    matches: decider.groupSnapshots().reduce((a, g) => a + g.matches, 0),
  });
}
process.stdout.write(JSON.stringify(results) + '\n');
