// Replays the payload streams of a capture's flows over real sockets between a LAN client and a
// server (replay-peer.ts on each): the capturing machine (the address in most flows) becomes the
// client, every remote peer the server; TCP flows are real connections (the initiator connects,
// the responder accepts), UDP flows real datagrams, on the capture's ports where possible. Each
// side hashes what it received, so the result says per flow and direction whether the bytes
// arrived intact. Flows run concurrently, except that two flows never share a port on one host at
// the same time (that is how a peer tells flows apart).
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import type { Family } from '../addresses.js';
import { nodeArgv, repoRoot, type LabHost } from '../host.js';
import { stopProcess } from '../netns.js';
import { onJsonLines, tail, waitFor } from '../processes.js';
import { extractFlows, homeAddress, type CaptureFlow, type Direction } from './capture-flows.js';
import type { Plan, PlanFlow } from './replay-peer.js';
import type { TrafficLab } from './traffic-lab.js';

const PEER_SCRIPT = join(repoRoot, 'tools', 'lab', 'traffic', 'replay-peer.ts');

export interface ReplayOptions {
  /** pcap/pcapng to replay. */
  capture: string;
  /** LAN side (default c1): plays the capturing machine. */
  client?: LabHost;
  /** Server side (default s1): plays every remote peer. */
  server?: LabHost;
  family?: Family;
  protocols?: ('tcp' | 'udp')[];
  /** Replay only the first N flows (after filtering). */
  maxFlows?: number;
  /** Flows in flight at once (default 16). */
  concurrency?: number;
  /** A flow that has not completed by then is reported as failed (default 5 s). */
  flowTimeoutMs?: number;
  /** Use the capture's port numbers where the lab host has them free (default true). */
  keepPorts?: boolean;
}

export interface FlowResult {
  index: number;
  proto: 'tcp' | 'udp';
  /** Which lab host played the initiator. */
  initiator: 'client' | 'server';
  initiatorPort: number;
  responderPort: number;
  /** Payload bytes per direction in the capture. */
  bytes: Record<Direction, number>;
  /** Whether each direction's bytes arrived complete and unchanged. */
  received: Record<Direction, boolean>;
  intact: boolean;
  error?: string;
  /** Why the flow was not replayed at all. */
  skipped?: string;
  ms: number;
}

export interface ReplayResult {
  flows: FlowResult[];
  /** Payload bytes replayed (both directions, all flows). */
  bytes: number;
  ms: number;
}

export interface CaptureReplay {
  readonly capture: string;
  readonly flows: CaptureFlow[];
  readonly clientHost: LabHost;
  readonly serverHost: LabHost;
  /** Settles when every flow has completed or failed. */
  readonly done: Promise<ReplayResult>;
  stop(): Promise<void>;
}

interface Done {
  rxBytes: number;
  rxSha256: string;
  error: string | null;
}

function sha256(parts: Buffer[]): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest('hex');
}

export async function replayCapture(lab: TrafficLab, o: ReplayOptions): Promise<CaptureReplay> {
  const client = o.client ?? lab.client;
  const server = o.server ?? lab.server;
  const family = o.family ?? 4;
  const protocols = new Set(o.protocols ?? ['tcp', 'udp']);
  const flowTimeoutMs = o.flowTimeoutMs ?? 5000;
  const concurrency = o.concurrency ?? 16;
  let flows = extractFlows(o.capture).filter((f) => protocols.has(f.proto));
  if (o.maxFlows !== undefined) flows = flows.slice(0, o.maxFlows);
  const home = homeAddress(flows);
  const planFlows: PlanFlow[] = flows.map((f) => ({
    index: f.index,
    proto: f.proto,
    initiatorSide: f.initiator.address === home ? 'client' : 'server',
    initiatorPort: f.initiator.port,
    responderPort: f.responder.port,
    segments: f.segments.map((s) => [s.dir === 'i2r' ? 'i' : 'r', s.data.toString('base64')]),
  }));
  const plan: Plan = { flowTimeoutMs, keepPorts: o.keepPorts ?? true, flows: planFlows };
  const planFile = join(lab.workDir, `replay-${lab.nextPort()}.json`);
  writeFileSync(planFile, JSON.stringify(plan));

  const waiters = new Map<string, (d: Done) => void>();
  const readiness = new Map<number, () => void>();
  const startedSides = new Set<string>();
  const startWaiters = new Map<string, () => void>();
  const start = (host: LabHost, sideName: 'client' | 'server', peer: string): ChildProcess => {
    const child = host.spawn(
      nodeArgv([PEER_SCRIPT, '--plan', planFile, '--side', sideName, '--peer', peer]),
    );
    onJsonLines(child.stdout!, (ev) => {
      if (ev.event === 'done') waiters.get(`${sideName}:${ev.flow}`)?.(ev as unknown as Done);
      else if (ev.event === 'ready') readiness.get(ev.flow as number)?.();
      else if (ev.event === 'started') {
        startedSides.add(sideName);
        startWaiters.get(sideName)?.();
      }
    });
    return child;
  };
  const clientProc = start(client, 'client', lab.reach(server, family));
  const serverProc = start(server, 'server', client.address(family));
  for (const [sideName, proc, host] of [
    ['client', clientProc, client],
    ['server', serverProc, server],
  ] as const) {
    await waitFor<void>(
      proc,
      `replay peer on ${host.name}`,
      30_000,
      tail(proc.stderr),
      (resolve) => {
        if (startedSides.has(sideName)) resolve();
        startWaiters.set(sideName, resolve);
        return () => startWaiters.delete(sideName);
      },
    );
  }
  const procs = { client: clientProc, server: serverProc };
  const send = (sideName: 'client' | 'server', cmd: object) =>
    procs[sideName].stdin?.write(JSON.stringify(cmd) + '\n');
  const doneOf = (sideName: 'client' | 'server', flow: number) =>
    new Promise<Done>((resolve) => {
      const timer = setTimeout(
        () => resolve({ rxBytes: 0, rxSha256: '', error: `${sideName} peer never reported` }),
        flowTimeoutMs + 5000,
      );
      waiters.set(`${sideName}:${flow}`, (d) => {
        clearTimeout(timer);
        resolve(d);
      });
    });

  const runFlow = async (f: CaptureFlow, p: PlanFlow): Promise<FlowResult> => {
    const t0 = performance.now();
    const initiator = p.initiatorSide;
    const responder = initiator === 'client' ? 'server' : 'client';
    const base = {
      index: f.index,
      proto: f.proto,
      initiator,
      initiatorPort: p.initiatorPort,
      responderPort: p.responderPort,
      bytes: f.bytes,
    };
    if (initiator === 'server' && lab.options.nat === 'masquerade') {
      return {
        ...base,
        received: { i2r: false, r2i: false },
        intact: false,
        skipped: 'started by a remote peer: the server cannot reach a masqueraded client',
        ms: 0,
      };
    }
    const rDone = doneOf(responder, f.index);
    const ready = new Promise<void>((resolve) => readiness.set(f.index, resolve));
    send(responder, { cmd: 'expect', flow: f.index });
    const early = await Promise.race([ready.then(() => null), rDone]);
    if (early)
      return {
        ...base,
        received: { i2r: false, r2i: false },
        intact: false,
        error: early.error ?? 'responder failed',
        ms: performance.now() - t0,
      };
    const iDone = doneOf(initiator, f.index);
    send(initiator, { cmd: 'start', flow: f.index });
    const [i, r] = await Promise.all([iDone, rDone]);
    const want = (dir: Direction) =>
      sha256(f.segments.filter((s) => s.dir === dir).map((s) => s.data));
    const received = {
      i2r: r.rxSha256 === want('i2r') && r.rxBytes === f.bytes.i2r,
      r2i: i.rxSha256 === want('r2i') && i.rxBytes === f.bytes.r2i,
    };
    const error = i.error ?? r.error ?? undefined;
    return {
      ...base,
      received,
      intact: received.i2r && received.r2i && !error,
      error: error ?? undefined,
      ms: performance.now() - t0,
    };
  };

  const t0 = performance.now();
  const done = (async (): Promise<ReplayResult> => {
    const results: FlowResult[] = new Array(flows.length);
    const busyPorts = new Set<string>();
    const queue = flows.map((f, i) => i);
    const inFlight = new Set<Promise<void>>();
    // Every port a flow uses, on the host that uses it: its responder's and its initiator's. Two
    // flows in flight never share one, so neither falls back to another port than the capture's
    // (the result reports the planned ports) and two UDP flows between the same two endpoints,
    // started from either end, never interleave on one socket pair (which a classifier sees as one
    // flow, its packets in an order the capture never had).
    const portKeys = (i: number): [string, string] => {
      const f = planFlows[i];
      const responderSide = f.initiatorSide === 'client' ? 'server' : 'client';
      return [
        `${f.proto}:${f.initiatorSide}:${f.initiatorPort}`,
        `${f.proto}:${responderSide}:${f.responderPort}`,
      ];
    };
    const free = (i: number) => portKeys(i).every((k) => !busyPorts.has(k));
    while (queue.length > 0 || inFlight.size > 0) {
      const at = queue.findIndex(free);
      if (at >= 0 && inFlight.size < concurrency) {
        const i = queue.splice(at, 1)[0];
        for (const k of portKeys(i)) busyPorts.add(k);
        const job: Promise<void> = runFlow(flows[i], planFlows[i]).then((r) => {
          results[i] = r;
          for (const k of portKeys(i)) busyPorts.delete(k);
          inFlight.delete(job);
        });
        inFlight.add(job);
        continue;
      }
      await Promise.race(inFlight);
    }
    await Promise.all([stopProcess(clientProc, 1000), stopProcess(serverProc, 1000)]);
    return {
      flows: results,
      bytes: flows.reduce((n, f) => n + f.bytes.i2r + f.bytes.r2i, 0),
      ms: performance.now() - t0,
    };
  })();
  return {
    capture: basename(o.capture),
    flows,
    clientHost: client,
    serverHost: server,
    done,
    async stop() {
      await Promise.all([stopProcess(clientProc, 1000), stopProcess(serverProc, 1000)]);
    },
  };
}
