// One thread's share of `rope run`: its queues bound with the core's NfQueue, and one Decider
// (one flow table, one rope Engine) deciding for all of them. The main thread runs one host for
// `--queue N[:M]`; `--queue-balance A:B` runs one per worker thread, one queue each. Everything in
// HostConfig is plain data so it can cross to a worker.
import {
  KEEP_MARK,
  NF_ACCEPT,
  NF_DROP,
  NfQueue,
  type NfqPacket,
  type NfqDecision,
} from '@p2pwall/core/netlink';
import { compile } from '../compile/compile.js';
import type { Value } from '../runtime/values.js';
import { Verdict, verdictName } from '../runtime/verdict.js';
import type { DefaultVerdict, MatchAction } from './actions.js';
import type { MessagePort } from 'node:worker_threads';
import type { TableChange } from '../tables/shared-table.js';
import { joinMesh } from '../tables/table-mesh.js';
import { TableSync } from '../tables/table-sync.js';
import { Decider, type LiveGroup, type MatchEvent } from './decider.js';
import { DnsTrainer } from './dns/dns-trainer.js';
import { parseDnsPatterns } from './dns/dns-patterns.js';
import type { EnforcementEvent, PeerBlocker } from './enforcement.js';
import { FlowCut, heldConntrack } from './flow-cut.js';
import type { KernelCutIo } from './kernel-cut-io.js';
import type { SendRst } from './rst-sender.js';
import { TablePeerBlocker } from './table-peer-blocker.js';
import { CutTallyIo } from './cut-tally-io.js';
import { zeroEnforceCounts } from './enforce-counts.js';
import type { EnforceRequest } from './enforcer.js';
import {
  LATENCY_SAMPLE,
  QueueMetrics,
  V_ACCEPT,
  V_DROP,
  V_MARK,
  type HostDetail,
} from './queue-metrics.js';
import { queueSnapshot, type LiveSnapshot } from './stats.js';

export interface GroupSpec {
  /** Path as given (diagnostics name it) and the source text, read once by the main thread. */
  file: string;
  source: string;
  /** The script's name when it is not the file's (an l7-filter pattern: its protocol). */
  name?: string;
  pushes: Value[];
  action: MatchAction;
}

export interface HostConfig {
  queues: number[];
  groups: GroupSpec[];
  defaultVerdict: DefaultVerdict;
  window: number;
  doneMark: number | null;
  failOpen: boolean;
  copyRange: number;
  maxLen: number;
  recvBufferSize: number;
  /** Wait in poll(2) this long for the next packet when a queue runs dry (default 0). */
  lingerMs?: number;
  gso: boolean;
  maxFlows?: number;
  /** How long `--on-match cut` blocks a UDP tuple (default DEFAULT_BLOCK_SECONDS). */
  blockSeconds?: number;
  /** `--dns-train FILE`: its name and text (checked by the main thread already). */
  dnsTrain?: { file: string; text: string };
}

export interface HostEvents {
  onMatch?(e: MatchEvent & { queue?: number }): void;
  /** Where cuts and DNS training block peers (in a worker: a message to the main thread). */
  blocker?: PeerBlocker;
  /** A cut happened (locks and blocks are the blocker's to report). */
  onEnforcement?(e: EnforcementEvent): void;
  /** Sends a cut's forged RST (the main thread's raw sockets; in a worker: a message there). */
  sendRst?: SendRst;
  /** A flow a lock:S / block-peer:S group decided (see Decider's onEnforce). */
  onEnforce?(e: EnforceRequest): void;
  /** The tables' local changes, a batch per turn of the event loop (for the main thread's hub). */
  onTables?(batch: TableChange[]): void;
  /** Something the operator should see (rate-limited per kind). */
  onWarning(message: string): void;
}

export interface HostInfo {
  queues: number[];
  /** Conntrack data arrives with packets (and connmark verdicts work). */
  conntrack: boolean;
  conntrackUnavailable: string | null;
}

/** At most one report per key per interval, then a count of what was held back. */
class Throttle {
  private readonly last = new Map<string, { at: number; held: number }>();
  constructor(
    private readonly report: (m: string) => void,
    private readonly intervalMs = 10_000,
  ) {}
  say(key: string, message: () => string): void {
    const now = Date.now();
    const s = this.last.get(key);
    if (s && now - s.at < this.intervalMs) {
      s.held++;
      return;
    }
    const held = s?.held ?? 0;
    this.last.set(key, { at: now, held: 0 });
    this.report(held > 0 ? `${message()} (${held} more like it since the last report)` : message());
  }
}

export class QueueHost {
  private closeMesh: (() => void) | null = null;

  private constructor(
    readonly decider: Decider,
    private readonly metrics: QueueMetrics,
    private readonly queues: NfQueue[],
    readonly info: HostInfo,
    private readonly clock: NodeJS.Timeout,
    /** `--dns-train`'s trainer (banName for `rope ctl ban-dns`), null without it. */
    readonly trainer: DnsTrainer | null,
    private readonly cutIo: KernelCutIo | null,
    private readonly sync: TableSync | null,
    /** Blocks peers from this thread (through the tables to the main thread's enforcer). */
    readonly peerBlocker: PeerBlocker,
    /** --on-match cut's counts, null without it. */
    private readonly cutTally: CutTallyIo | null,
  ) {}

  static async start(config: HostConfig, events: HostEvents): Promise<QueueHost> {
    const throttle = new Throttle(events.onWarning);
    const groups: LiveGroup[] = config.groups.map((g) => {
      const { script } = compile(g.source, g.file, { pushes: g.pushes.length, name: g.name });
      if (!script) throw new Error(`${g.file} does not compile`);
      return { script, pushes: g.pushes, action: g.action };
    });
    const metrics = new QueueMetrics(
      config.queues,
      groups.map((g) => g.script.name),
    );
    // the queue whose packet the decider is deciding, for the labels it reports meanwhile
    let current = 0;
    const blocker: PeerBlocker = events.blocker ?? { blockPeer: () => {} };
    // imported only for --on-match cut (a run without cuts never loads the conntrack client); the
    // RSTs go out through the main thread's raw socket (events.sendRst, rst-sender.ts)
    const Kernel = groups.some((g) => g.action.kind === 'cut')
      ? (await import('./kernel-cut-io.js')).KernelCutIo
      : null;
    const made: KernelCutIo[] = [];
    const tally = Kernel
      ? CutTallyIo.around(
          blocker,
          (e) => events.onEnforcement?.(e),
          (key, m) => throttle.say(key, () => m),
          (b, onEvent, warn) => {
            const io = new Kernel(
              b,
              onEvent,
              warn,
              events.sendRst ??
                (() => throttle.say('cut:rst', () => 'cut: no RST sender here; RSTs are not sent')),
            );
            made.push(io);
            return io;
          },
        )
      : null;
    const cutIo = made[0] ?? null;
    const cut = tally ? new FlowCut(tally, config.blockSeconds) : null;
    const trainer = config.dnsTrain
      ? new DnsTrainer(
          parseDnsPatterns(config.dnsTrain.text, config.dnsTrain.file).patterns,
          blocker,
        )
      : null;
    const decider = new Decider({
      groups,
      defaultVerdict: config.defaultVerdict,
      window: config.window,
      doneMark: config.doneMark,
      ...(config.maxFlows !== undefined ? { maxFlows: config.maxFlows } : {}),
      ...(cut
        ? {
            onCut: (p, packet, fromInitiator, g, first) =>
              cut.cut(packet, fromInitiator, heldConntrack(p), groups[g].script.name, first),
          }
        : {}),
      ...(trainer ? { onDnsAnswer: (packet) => trainer.observe(packet) } : {}),
      onMatch: (e) => {
        metrics.labelledFlow(current, e.script);
        events.onMatch?.(e);
      },
      ...(events.onEnforce ? { onEnforce: events.onEnforce } : {}),
      onRunError: (script, v, e) =>
        throttle.say(
          `run:${script}:${e.name}`,
          () =>
            `${e.toString()} (${verdictName(v)}: ${v === Verdict.HOTDROP ? 'packet dropped' : 'counted as no match'})`,
        ),
    });
    // the tables exist before the first packet, so changes from other engines find them
    const engine = decider.classifier.engine;
    for (const g of groups) engine.loadTables(g.script);
    const peerBlocker = new TablePeerBlocker(engine.tables);
    const sync = events.onTables
      ? new TableSync(engine.tables, events.onTables, () => Date.now() / 1000)
      : null;
    // one handler per queue: it knows its queue's index without a lookup
    let sampleIn = LATENCY_SAMPLE;
    const handler = (q: number) => (p: NfqPacket, d: NfqDecision) => {
      current = q;
      if (--sampleIn === 0) {
        sampleIn = LATENCY_SAMPLE;
        const start = performance.now();
        decider.handle(p, d);
        metrics.latency((performance.now() - start) / 1000);
      } else decider.handle(p, d);
      metrics.packet(
        q,
        decider.decidedBy,
        d.verdict === NF_DROP ? V_DROP : d.mark !== KEEP_MARK ? V_MARK : V_ACCEPT,
        decider.newFlow,
      );
    };
    const opened: NfQueue[] = [];
    try {
      for (const [q, queue] of config.queues.entries()) {
        opened.push(
          await NfQueue.open({
            queue,
            copyRange: config.copyRange,
            maxLen: config.maxLen,
            failOpen: config.failOpen,
            gso: config.gso,
            conntrack: 'auto',
            recvBufferSize: config.recvBufferSize,
            lingerMs: config.lingerMs ?? 0,
            defaultVerdict: config.defaultVerdict === 'drop' ? NF_DROP : NF_ACCEPT,
            onPacket: handler(q),
            onError: (e) =>
              throttle.say(
                `queue:${queue}:${e.message.slice(0, 40)}`,
                () => `queue ${queue}: ${e.message}`,
              ),
            onOverrun: () =>
              throttle.say(
                `overrun:${queue}`,
                () =>
                  `queue ${queue}: the socket's receive buffer overflowed; packets were ${config.failOpen ? 'passed unchecked (fail-open)' : 'dropped'} — rope run cannot keep up: spread the load (--queue-balance), queue less (--done-mark, mark actions) or copy less (--copy-range)`,
              ),
          }),
        );
      }
    } catch (e) {
      await Promise.all(opened.map((q) => q.close()));
      cutIo?.close();
      throw e;
    }
    let ticks = 0;
    const clock = setInterval(() => {
      if (++ticks % 20 === 0) decider.expire();
      else decider.tick();
    }, 250);
    clock.unref();
    const first = opened[0];
    return new QueueHost(
      decider,
      metrics,
      opened,
      {
        queues: config.queues,
        conntrack: first.conntrack,
        conntrackUnavailable: first.conntrackUnavailable,
      },
      clock,
      trainer,
      cutIo,
      sync,
      peerBlocker,
      tally,
    );
  }

  /** Changes other engines (or the main thread) made to the tables. */
  receiveTables(batch: readonly TableChange[]): void {
    this.sync?.receive(batch);
  }

  /** The other queues' engines, reached directly with the tables' changes (table-mesh.ts). */
  joinTableMesh(ports: readonly MessagePort[]): void {
    if (this.sync) this.closeMesh = joinMesh(this.sync, ports, (b) => this.receiveTables(b));
  }

  /** Pass-all on or off (every verdict accept). */
  setPassAll(on: boolean): void {
    this.decider.passAll = on;
  }

  snapshot(uptime: number): LiveSnapshot {
    return {
      uptime,
      totals: this.decider.totalsSnapshot(),
      groups: this.decider.groupSnapshots(),
      queues: this.queues.map((q) => queueSnapshot(q.stats(), q.procStats())),
      enforcement: this.enforcementCounts(),
    };
  }

  /** This thread's part of the enforcement counters: its cuts and DNS answers. */
  private enforcementCounts() {
    const c = zeroEnforceCounts();
    if (this.cutTally) c.cuts = { ...this.cutTally.counts };
    const d = this.trainer?.counts;
    if (d)
      c.dns = { answers: d.answers, matched: d.matched, trained: d.blocked, ignored: d.ignored };
    return c;
  }

  /** The counters of --metrics that the snapshot does not carry. */
  detail(): HostDetail {
    return this.metrics.detail();
  }

  /** Sends the last verdicts, unbinds every queue, closes the sockets. */
  async stop(): Promise<void> {
    clearInterval(this.clock);
    this.sync?.stop();
    this.closeMesh?.();
    await Promise.all(this.queues.map((q) => q.close()));
    this.cutIo?.close();
  }
}
