// rope run on NFQUEUE against the smallest C consumer (libnetfilter_queue, compiled here from
// nfq-accept.c), on the same traffic in the same run, in a lab: c1 — router — s1, the router
// queueing what it forwards with the rules `rope rules --iptables` prints. Traffic comes from
// udp-load.c (C, so the generator is never the limit): a UDP flood of new flows (every packet in
// the inspection window: the scripts run on each), a flood of one long flow (past the window: the
// flow-table fast path), timestamped probes for round-trip latency under a steady background
// load (a long flow, then new flows), a TCP download with curl, rope run at the C loop's new-flow
// rate (does its queue overflow?), and rope run over two queues (`--queue-balance 0:1`, the rule
// spreading flows over them). Plus the JavaScript share of the per-packet work without the kernel
// (nfqueue-js-path.ts): time and bytes allocated per packet.
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ChildProcess } from 'node:child_process';
import {
  parseNfqProcStats,
  NFQUEUE_PROC_PATH,
  type NfqProcStats,
} from '../../packages/core/src/netlink/index.js';
import { DEFAULT_RULES, firewallRules } from '../../packages/rope/src/live/rules.js';
import { repoRoot, type LabHost } from '../lab/host.js';
import { onJsonLines, tail } from '../lab/processes.js';
import { createLab, type Lab } from '../lab/topology.js';
import type { HttpService } from '../lab/traffic/http.js';
import { onPath } from '../../test/support/environment.js';
import type { BenchContext, BenchModule } from './frame.js';
import { peakRssOf } from './measure.js';
import {
  describeOwn,
  render,
  type EngineFigures,
  type Json,
  type JsPathRow,
  type Latency,
} from './nfqueue-report.js';

interface Proc {
  child: ChildProcess;
  /** Resolves with the last JSON line once the process exits. */
  done: Promise<Json>;
  stop(): Promise<Json>;
}

async function start(host: LabHost, argv: string[], what: string, ready = true): Promise<Proc> {
  const child = host.spawn(argv);
  const err = tail(child.stderr);
  let last: Json = {};
  let resolveReady: () => void = () => {};
  const isReady = new Promise<void>((r) => (resolveReady = r));
  onJsonLines(child.stdout!, (o) => {
    if (o.event === 'ready') resolveReady();
    else last = o as Json;
  });
  const done = new Promise<Json>((resolve, reject) =>
    child.once('exit', (code, signal) =>
      code === 0 || signal === 'SIGTERM'
        ? resolve(last)
        : reject(new Error(`${what} failed (${code ?? signal}): ${err()}`)),
    ),
  );
  if (ready)
    await Promise.race([
      isReady,
      done.then(() => Promise.reject(new Error(`${what} exited before it was ready: ${err()}`))),
    ]);
  return {
    child,
    done,
    async stop() {
      child.kill('SIGTERM');
      return done;
    },
  };
}

interface Engine {
  name: string;
  /** The queue rule's target while this engine runs (default: queue 0). */
  queueTarget?: string;
  /** rope run: also offered new flows at the C loop's rate. */
  rope?: boolean;
  start(): Promise<Proc | null>;
}

function why(): string | null {
  if (process.getuid?.() !== 0) return 'needs root (network namespaces, NFQUEUE)';
  for (const tool of ['ip', 'iptables', 'gcc', 'curl']) if (!onPath(tool)) return `needs ${tool}`;
  if (!existsSync('/usr/include/libnetfilter_queue/libnetfilter_queue.h'))
    return 'needs libnetfilter-queue-dev (the C peer is compiled from it)';
  return null;
}

function compileC(ctx: BenchContext, name: string, libs: string[]): string {
  const out = join(ctx.tmpDir, name);
  const r = spawnSync(
    'gcc',
    ['-O2', '-o', out, join(repoRoot, 'tools/bench', `${name}.c`), ...libs],
    { encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(`gcc ${name}.c failed: ${r.stderr}`);
  return out;
}

function jsPath(ctx: BenchContext): JsPathRow[] {
  const r = spawnSync(
    process.execPath,
    [
      '--expose-gc',
      '--max-semi-space-size=512',
      '--conditions=source',
      '--import',
      'tsx',
      join(repoRoot, 'tools/bench/nfqueue-js-path.ts'),
    ],
    {
      cwd: repoRoot,
      encoding: 'utf8',
      env: { ...process.env, PACKETS: ctx.quick ? '20000' : '60000' },
    },
  );
  if (r.status !== 0) throw new Error(`nfqueue-js-path.ts failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

/** Client addresses new-flow floods send from in turn (the LAN's hosts are .10–.59). */
const FLOOD_SOURCES = Array.from({ length: 32 }, (_, i) => `192.0.2.${200 + i}`);

export const bench: BenchModule = {
  name: 'nfqueue',
  async run(ctx) {
    const title = 'rope run on NFQUEUE vs a C libnetfilter_queue accept loop';
    const reason = why();
    if (reason) return { title, markdown: `_Skipped: ${reason}._` };
    const nfqAccept = compileC(ctx, 'nfq-accept', ['-lnetfilter_queue', '-lnfnetlink']);
    const load = compileC(ctx, 'udp-load', ['-lm']);
    const secs = ctx.quick ? 1.5 : 5;
    const probes = ctx.quick ? 500 : 3000;

    ctx.log('JavaScript path without the kernel');
    const js = jsPath(ctx);

    const loadAverage = loadavg()[0];
    const lab: Lab = await createLab({});
    const figures: EngineFigures[] = [];
    try {
      const r = lab.router;
      for (const line of firewallRules({
        ...DEFAULT_RULES,
        format: 'iptables',
        family: 'ipv4',
      }).split('\n')) {
        if (line.startsWith('iptables ') || line.startsWith('ipset '))
          await r.exec(line.split(' '));
      }
      const s = lab.server;
      const c = lab.client;
      // New flows come from many hosts, as at a gateway: the kernel's --queue-balance hashes the
      // address pair, so the flows of one pair of hosts would all take one queue.
      for (const a of FLOOD_SOURCES) await c.exec(['ip', 'addr', 'add', `${a}/24`, 'dev', c.iface]);
      const sources = (perFlow: number) => (perFlow > 0 ? FLOOD_SOURCES.join(',') : '');
      const echo = await start(s, [load, 'echo', '9001'], 'udp echo');
      const http: HttpService = await lab.http({
        files: [{ name: 'bulk.bin', size: ctx.quick ? 16 << 20 : 64 << 20 }],
      });
      const ropeSource = !existsSync(join(repoRoot, 'packages/rope/dist/cli/main.js'));
      const startRope = async (
        queueArgs: string[],
        env: Record<string, string> = {},
      ): Promise<Proc> => {
        // actions left at accept: a match then changes nothing, so every packet of every flow
        // takes the queue, as with the C consumer (a mark would let the rules skip the flow)
        const argv = [
          'run',
          ...queueArgs,
          '--script',
          'bittorrent',
          '--script',
          'gnutella',
          '--script',
          'http-large',
          '--push-int',
          '1000000',
          '--stats-json',
        ];
        const child = r.spawnTool('rope', argv, {
          source: ropeSource,
          env: { ...process.env, ...env },
        });
        const err = tail(child.stderr);
        let last: Json = {};
        onJsonLines(child.stdout!, (o) => (last = o as Json));
        while (!/rope run: bound /.test(err())) {
          if (child.exitCode !== null) throw new Error(`rope run failed: ${err()}`);
          await sleep(50);
        }
        const done = new Promise<Json>((resolve) => child.once('exit', () => resolve(last)));
        return { child, done, stop: async () => (child.kill('SIGTERM'), done) };
      };
      const engines: Engine[] = [
        { name: 'kernel only (rule bypass, nothing bound)', start: async () => null },
        {
          name: 'C: libnetfilter_queue, a verdict per packet',
          start: () => start(r, [nfqAccept, '0', '--gso', '--maxlen', '4096'], 'nfq-accept'),
        },
        {
          name: 'C: libnetfilter_queue, batch verdicts',
          start: () =>
            start(
              r,
              [nfqAccept, '0', '--gso', '--maxlen', '4096', '--batch'],
              'nfq-accept --batch',
            ),
        },
        {
          name: 'rope run, 3 built-in scripts',
          rope: true,
          start: () => startRope(['--queue', '0']),
        },
        {
          // the same, reading with the netlink package (a Buffer and two system calls per
          // datagram, verdicts sent once per event-loop turn): what direct I/O gains, same run
          name: 'rope run, 3 built-in scripts, P2PWALL_DIRECT_IO=0',
          start: () => startRope(['--queue', '0'], { P2PWALL_DIRECT_IO: '0' }),
        },
        {
          name: 'rope run --queue-balance 0:1, 3 built-in scripts',
          queueTarget: 'NFQUEUE --queue-balance 0:1 --queue-bypass',
          rope: true,
          start: () => startRope(['--queue-balance', '0:1']),
        },
      ];
      // the router's queues as the kernel counts them: packets each took (its id sequence) and
      // those it dropped (queue full: queue_dropped, socket full: user_dropped)
      const queueStats = async () =>
        parseNfqProcStats(
          (await r.exec(['cat', NFQUEUE_PROC_PATH], { allowFail: true })).stdout ?? '',
        );
      const dropped = (qs: NfqProcStats[]) =>
        qs.reduce((n, q) => n + q.queueDropped + q.userDropped, 0);
      const setQueueTarget = (target: string) =>
        r.exec([
          'iptables',
          '-w',
          '-t',
          'mangle',
          '-R',
          'rope-queue',
          '2',
          '-j',
          ...target.split(' '),
        ]);
      const flood = async (perFlow: number, pps = 0) => {
        const before = await queueStats();
        const sink = await start(s, [load, 'sink', '9000'], 'udp sink');
        const f = await (
          await start(
            c,
            [
              load,
              'flood',
              s.ipv4,
              '9000',
              String(secs),
              '100',
              String(perFlow),
              String(pps),
              sources(perFlow),
            ],
            'udp flood',
          )
        ).done;
        await sleep(300);
        const got = await sink.stop();
        const after = await queueStats();
        const queuedBefore = new Map(before.map((q) => [q.queue, q.idSequence]));
        return {
          sent: f.sent / f.seconds,
          delivered: got.packets / Math.max(f.seconds, got.seconds),
          queueFull: dropped(after) - dropped(before),
          // how the kernel spread this flood over the queues (one entry per bound queue)
          perQueue: after
            .sort((a, b) => a.queue - b.queue)
            .map((q) => q.idSequence - (queuedBefore.get(q.queue) ?? 0)),
        };
      };
      // round trips under a steady 10 k packets/s of background: one long flow, or new flows
      const latency = async (perFlow: number): Promise<Latency> => {
        const bgSink = await start(s, [load, 'sink', '9002'], 'background sink');
        const bg = await start(
          c,
          [
            load,
            'flood',
            s.ipv4,
            '9002',
            String(probes / 1000 + 3),
            '100',
            String(perFlow),
            '10000',
            sources(perFlow),
          ],
          'background flood',
        );
        await sleep(500);
        const lat = await (
          await start(c, [load, 'probe', s.ipv4, '9001', String(probes), '1000'], 'probe')
        ).done;
        await bg.done;
        await bgSink.stop();
        return { p50: lat.p50us, p99: lat.p99us, lost: lat.sent - lat.received };
      };
      for (const e of engines) {
        ctx.log(`measuring: ${e.name}`);
        if (e.queueTarget) await setQueueTarget(e.queueTarget);
        const proc = await e.start();
        const newFlows = await flood(2);
        const cRate = figures.find((x) => x.engine.startsWith('C:'))?.newFlows.delivered;
        const atCRate = e.rope && cRate ? await flood(2, Math.round(cRate)) : undefined;
        const longFlow = await flood(0);
        const lat = await latency(0);
        const latNew = await latency(2);
        const t0 = performance.now();
        const dl = await http.fetch('bulk.bin', { timeoutMs: 120_000 });
        const mbps = (dl.bytes * 8) / ((performance.now() - t0) / 1000) / 1e6;
        const peakRss = proc ? peakRssOf(proc.child.pid) : null;
        const own = proc ? await proc.stop() : {};
        if (e.queueTarget) await setQueueTarget('NFQUEUE --queue-num 0 --queue-bypass');
        figures.push({
          engine: e.name,
          newFlows: { ...newFlows, queueFull: proc ? newFlows.queueFull : null },
          longFlow,
          latency: lat,
          latencyNewFlows: latNew,
          ...(atCRate ? { atCRate } : {}),
          tcp: { mbps: dl.ok ? mbps : 0, ok: dl.ok },
          own: describeOwn(own),
          peakRss,
        });
      }
      await echo.stop();
      await http.stop();
    } finally {
      await lab.destroy();
    }
    return {
      title,
      markdown: render(ctx, figures, js, secs, probes, loadAverage, FLOOD_SOURCES.length),
    };
  },
};
