// One side of a capture replay, run inside a lab namespace:
//   replay-peer.ts --plan FILE --side client|server --peer ADDRESS
// The plan (written by replay.ts) lists the flows with their payload segments in capture order.
// The controller drives it over stdin, one JSON object per line:
//   {"cmd":"expect","flow":K}  this side responds in flow K: take the next connection / datagrams
//                              on the flow's port for it; answers {"event":"ready","flow":K}
//   {"cmd":"start","flow":K}   this side initiates flow K
// Within a flow each side sends its own segments in order, and before each one waits until it has
// received everything the other side sent earlier in the capture, so the conversation keeps the
// capture's order. When done: {"event":"done","flow":K,"rxBytes":N,"rxSha256":"…","error":…}.
import { createHash, type Hash } from 'node:crypto';
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

export interface PlanFlow {
  index: number;
  proto: 'tcp' | 'udp';
  /** Which lab side plays the capture's initiator. */
  initiatorSide: 'client' | 'server';
  initiatorPort: number;
  responderPort: number;
  /** [direction, base64 payload] in capture order; 'i' = sent by the initiator. */
  segments: ['i' | 'r', string][];
}

export interface Plan {
  flowTimeoutMs: number;
  /** Bind the initiator to the capture's source port when free (else an ephemeral one). */
  keepPorts: boolean;
  flows: PlanFlow[];
}

const { values } = parseArgs({
  options: { plan: { type: 'string' }, side: { type: 'string' }, peer: { type: 'string' } },
});
if (!values.plan || (values.side !== 'client' && values.side !== 'server') || !values.peer) {
  process.stderr.write('usage: replay-peer.ts --plan FILE --side client|server --peer ADDRESS\n');
  process.exit(2);
}
const side = values.side;
const peerAddress = values.peer;
const plan = JSON.parse(readFileSync(values.plan, 'utf8')) as Plan;
const flows = new Map(
  plan.flows.map((f) => [
    f.index,
    { ...f, data: f.segments.map(([d, b]) => [d, Buffer.from(b, 'base64')] as const) },
  ]),
);
const emit = (o: object) => process.stdout.write(JSON.stringify(o) + '\n');

type Flow = NonNullable<ReturnType<typeof flows.get>>;

/** A running flow on this side. */
class Run {
  readonly mine: 'i' | 'r';
  private step = 0;
  private needed = 0; // bytes (TCP) or datagrams (UDP) of the peer's to have before the next send
  private rxBytes = 0;
  private rxDatagrams = 0;
  private readonly hash: Hash = createHash('sha256');
  private finished = false;
  private readonly timer: NodeJS.Timeout;
  tcp: Socket | null = null;
  udp: UdpSocket | null = null;
  /** UDP: where the peer's datagrams come from (learnt from the first one when responding). */
  udpRemote: { address: string; port: number } | null = null;
  private sentAll = false;
  private peerEnded = false;

  constructor(
    readonly flow: Flow,
    readonly role: 'initiator' | 'responder',
  ) {
    this.mine = role === 'initiator' ? 'i' : 'r';
    this.timer = setTimeout(
      () => this.finish(`timeout after ${plan.flowTimeoutMs} ms`),
      plan.flowTimeoutMs,
    );
  }

  /** Sends what may be sent now; called on start and after every receive. */
  pump(): void {
    const segs = this.flow.data;
    while (!this.finished && this.step < segs.length) {
      const [dir, data] = segs[this.step];
      if (dir !== this.mine) {
        this.needed += this.flow.proto === 'tcp' ? data.length : 1;
        this.step++;
        continue;
      }
      const have = this.flow.proto === 'tcp' ? this.rxBytes : this.rxDatagrams;
      if (have < this.needed) return;
      if (this.flow.proto === 'tcp') this.tcp?.write(data);
      else if (this.udp && this.udpRemote)
        this.udp.send(data, this.udpRemote.port, this.udpRemote.address);
      else return;
      this.step++;
    }
    if (this.finished || this.step < segs.length) return;
    const have = this.flow.proto === 'tcp' ? this.rxBytes : this.rxDatagrams;
    if (have < this.needed) return;
    if (this.flow.proto === 'udp') {
      this.finish(null);
    } else if (!this.sentAll) {
      this.sentAll = true;
      this.tcp?.end();
      if (this.peerEnded) this.finish(null);
    }
  }

  receive(data: Buffer): void {
    this.hash.update(data);
    this.rxBytes += data.length;
    this.rxDatagrams++;
    this.pump();
  }

  peerEnd(): void {
    this.peerEnded = true;
    if (this.sentAll) this.finish(null);
    else if (this.rxBytes >= this.neededTotal()) this.pump();
    else this.finish(`peer closed after ${this.rxBytes} of ${this.neededTotal()} bytes`);
  }

  private neededTotal(): number {
    return this.flow.data.filter(([d]) => d !== this.mine).reduce((n, [, b]) => n + b.length, 0);
  }

  finish(error: string | null): void {
    if (this.finished) return;
    this.finished = true;
    clearTimeout(this.timer);
    if (error) this.tcp?.destroy();
    running.delete(this.flow.index);
    if (tcpExpect.get(this.flow.responderPort) === this) tcpExpect.delete(this.flow.responderPort);
    emit({
      event: 'done',
      flow: this.flow.index,
      rxBytes: this.rxBytes,
      rxSha256: this.hash.digest('hex'),
      error,
    });
  }
}

const running = new Map<number, Run>();
/** Responding flows waiting for their connection, by TCP port. */
const tcpExpect = new Map<number, Run>();
const listeners = new Map<number, Server>();
const udpSockets = new Map<number, UdpSocket>();

function listen(port: number): Promise<void> {
  if (listeners.has(port)) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const server = createServer((socket) => {
      const r = tcpExpect.get(port);
      if (!r) {
        socket.destroy();
        return;
      }
      tcpExpect.delete(port);
      attachTcp(r, socket);
      r.pump();
    });
    server.once('error', reject);
    server.listen({ port, host: '::', ipv6Only: false, backlog: 512 }, () => {
      listeners.set(port, server);
      resolve();
    });
  });
}

function attachTcp(r: Run, socket: Socket): void {
  r.tcp = socket;
  socket.setNoDelay(true);
  socket.on('data', (d: Buffer) => r.receive(d));
  socket.on('end', () => r.peerEnd());
  socket.on('error', (e: NodeJS.ErrnoException) => r.finish(`socket error ${e.code ?? e.message}`));
}

const plainAddress = (a: string) => (a.startsWith('::ffff:') ? a.slice(7) : a);

/** The UDP socket of a local port, shared by the flows that use it; demultiplexes datagrams. */
function udpSocket(port: number): Promise<UdpSocket> {
  const existing = udpSockets.get(port);
  if (existing) return Promise.resolve(existing);
  return new Promise((resolve, reject) => {
    const s = createSocket({ type: peerAddress.includes(':') ? 'udp6' : 'udp4' });
    s.on('message', (msg, rinfo) => {
      for (const r of running.values()) {
        if (r.flow.proto !== 'udp' || r.udp !== s) continue;
        if (r.role === 'responder' && r.flow.responderPort === port) {
          r.udpRemote ??= { address: plainAddress(rinfo.address), port: rinfo.port };
          r.receive(msg);
          return;
        }
        if (r.role === 'initiator' && r.udpRemote && r.udpRemote.port === rinfo.port) {
          r.receive(msg);
          return;
        }
      }
    });
    s.once('error', reject);
    s.bind(port, () => {
      s.off('error', reject);
      s.on('error', () => {});
      udpSockets.set(port, s);
      resolve(s);
    });
  });
}

async function expect(flow: Flow): Promise<void> {
  const r = new Run(flow, 'responder');
  running.set(flow.index, r);
  if (flow.proto === 'tcp') {
    await listen(flow.responderPort);
    tcpExpect.set(flow.responderPort, r);
  } else {
    r.udp = await udpSocket(flow.responderPort);
  }
  emit({ event: 'ready', flow: flow.index });
  r.pump();
}

async function start(flow: Flow): Promise<void> {
  const r = new Run(flow, 'initiator');
  running.set(flow.index, r);
  if (flow.proto === 'tcp') {
    const open = (localPort?: number) => {
      const socket = connect({ host: peerAddress, port: flow.responderPort, localPort });
      const early = (e: NodeJS.ErrnoException) => {
        // The capture's source port is taken (TIME_WAIT of an earlier flow): any port will do.
        if (e.code === 'EADDRINUSE' && localPort !== undefined) open(undefined);
        else r.finish(`connect failed: ${e.code ?? e.message}`);
      };
      socket.once('error', early);
      socket.once('connect', () => {
        socket.off('error', early);
        attachTcp(r, socket);
        r.pump();
      });
    };
    open(plan.keepPorts ? flow.initiatorPort : undefined);
  } else {
    try {
      r.udp = await udpSocket(plan.keepPorts ? flow.initiatorPort : 0);
    } catch {
      r.udp = await udpSocket(0);
    }
    r.udpRemote = { address: peerAddress, port: flow.responderPort };
    r.pump();
  }
}

let pending = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (d: string) => {
  pending += d;
  let nl: number;
  while ((nl = pending.indexOf('\n')) >= 0) {
    const line = pending.slice(0, nl);
    pending = pending.slice(nl + 1);
    const cmd = JSON.parse(line) as { cmd: string; flow: number };
    const flow = flows.get(cmd.flow);
    if (!flow) {
      emit({
        event: 'done',
        flow: cmd.flow,
        rxBytes: 0,
        rxSha256: '',
        error: `no flow ${cmd.flow} in the plan`,
      });
      continue;
    }
    const job = cmd.cmd === 'expect' ? expect(flow) : start(flow);
    job.catch((e: Error) =>
      emit({
        event: 'done',
        flow: cmd.flow,
        rxBytes: 0,
        rxSha256: '',
        error: `${side}: ${e.message}`,
      }),
    );
  }
});
process.stdin.on('end', () => process.exit(0));
process.on('SIGTERM', () => process.exit(0));
emit({ event: 'started', side });
