// Per-flow classification with several scripts: the logic shared by `rope classify` (captures)
// and `rope run` (NFQUEUE). Each packet is looked up in a flow table; each script still pending
// on the packet's flow runs on it if the packet falls in the window (the first N payload-carrying
// packets of its direction). A script's first YES gives the flow its label for good, and the
// script no longer runs on that flow — like l7-filter and the historical rope, which saved the
// match in the connection mark. When both directions are past the window, every script still
// pending gives up on the flow. So a flow costs a hash lookup per packet, and scripts run at most
// 2N times per flow.
//
// Nothing is allocated per packet: the result object, the run input and the `$ct_*` record are
// reused; a flow allocates its FlowLabels once, and its `freg` registers on first use.
import type { Packet } from '@p2pwall/core';
import {
  FlowTable,
  type Flow,
  type FlowRemoveReason,
  type FlowTableOptions,
} from '@p2pwall/core/flow';
import type { Caps } from '../runtime/caps.js';
import { Engine, newFlowRegisters } from '../runtime/engine.js';
import type { RunError } from '../runtime/run-error.js';
import {
  CT_ESTABLISHED,
  CT_NEW,
  type CtInfo,
  type RunInput,
  type Script,
} from '../runtime/script.js';
import type { Value } from '../runtime/values.js';
import { Verdict } from '../runtime/verdict.js';
import { FlowLabels, LABEL_MATCHED, LABEL_PENDING, LABEL_UNMATCHED } from './flow-labels.js';

/** Payload-carrying packets per direction a script sees of each flow, unless configured. */
export const DEFAULT_WINDOW = 10;

/** `PacketResult.verdicts[i]` when script i did not run on the packet. */
export const NOT_RUN = -1;

/**
 * Fills `ct` from the flow table's view of a flow, as conntrack would: NEW until the flow's first
 * reply packet, then ESTABLISHED; packets and bytes of both directions, this packet included.
 */
export function ctFromFlow(ct: CtInfo, f: Flow, dir: number): void {
  ct.proto = f.protocol;
  ct.dir = dir;
  ct.packets = f.totalPackets;
  ct.bytes = f.totalBytes;
  ct.state = f.packetsBA > 0 ? CT_ESTABLISHED : CT_NEW;
  ct.mark = 0;
}

/** One script of the classifier. */
export interface ClassifierRule {
  script: Script;
  /** Values pre-pushed for every run of this script (`--push-int` …), bottom first. */
  pushes?: readonly Value[];
  /** The label a matching flow gets; default the script's name. */
  label?: string;
}

export interface FlowClassifierOptions {
  /** Payload-carrying packets of each direction each script sees (default 10, at least 1). */
  window?: number;
  /**
   * Also run scripts on packets without payload (SYN, bare ACK) while their direction's window is
   * open, for scripts that judge headers alone. Default false: such packets reach no script.
   */
  emptyPackets?: boolean;
  /** The engine the scripts run in (its `greg` registers are shared by all scripts). */
  engine?: Engine;
  /** Caps of the engine made when `engine` is not given. */
  caps?: Partial<Caps>;
  /** Flow table limits and idle timeouts. */
  flows?: Omit<FlowTableOptions, 'slots' | 'onRemove'>;
  /** A flow got script `i`'s label; called during `classify`, before it returns. */
  onLabel?: (flow: Flow, i: number, labels: FlowLabels) => void;
  /**
   * A run of script `i` ended with FAIL or HOTDROP (the packet is `result`'s); called during
   * `classify`. The same counts are in `stats`.
   */
  onRunError?: (i: number, verdict: Verdict, error: RunError, flow: Flow) => void;
  /**
   * A flow left the table (idle, evicted, reused by a new connection, or `drain()`): the last
   * moment its labels can be read.
   */
  onFlowEnd?: (flow: Flow, labels: FlowLabels, reason: FlowRemoveReason) => void;
}

/** Counters of one script across all flows. */
export class ScriptStats {
  /** Runs per verdict, indexed by Verdict (FAIL 0, OKAY 1, YES 2, NO 3, HOTDROP 4). */
  readonly verdicts = new Float64Array(5);
  /** Flows labelled (equals verdicts[YES]: a flow says YES at most once per script). */
  flows = 0;
  /** The error of the latest FAIL or HOTDROP. */
  lastError: RunError | null = null;

  get runs(): number {
    let n = 0;
    for (const v of this.verdicts) n += v;
    return n;
  }
}

/** What `classify` found for one packet. One object per classifier, overwritten every packet. */
export class PacketResult {
  /** The packet's flow; null when the packet has no IP header (then nothing ran). */
  flow: Flow | null = null;
  /** 0 when the packet goes from the flow's initiator (a → b), 1 for the reply direction. */
  dir = 0;
  /** The flow's labels (script i matched on this packet or earlier: `labels.has(i)`). */
  labels: FlowLabels;
  /** Labels the flow gained on this packet. */
  newLabels = 0;
  /** Per script: its verdict on this packet, or NOT_RUN. */
  readonly verdicts: Int8Array;
  /** Scripts that ran on this packet. */
  ran = 0;
  /** A script ended with HOTDROP on this packet: drop it whatever the rules say. */
  hotdrop = false;
  /** `$mark` after the scripts that ran (each starts from the mark the previous one left). */
  mark = 0;

  constructor(scripts: number, none: FlowLabels) {
    this.verdicts = new Int8Array(scripts).fill(NOT_RUN);
    this.labels = none;
  }

  /** Script `i` has labelled the packet's flow (now or earlier). */
  has(i: number): boolean {
    return this.labels.state[i] === LABEL_MATCHED;
  }
}

export class FlowClassifier {
  readonly engine: Engine;
  /** Label of script i. */
  readonly labels: readonly string[];
  readonly window: number;
  readonly emptyPackets: boolean;
  /** Per script: runs by verdict, flows labelled, last error. */
  readonly stats: readonly ScriptStats[];
  private readonly scripts: readonly Script[];
  private readonly pushes: readonly (readonly Value[])[];
  private readonly table: FlowTable;
  private readonly result: PacketResult;
  /** Labels of the no-flow result (nothing matched, nothing pending). */
  private readonly none: FlowLabels;
  private readonly ownCt: CtInfo = {
    proto: 0,
    state: CT_NEW,
    dir: 0,
    packets: 0,
    bytes: 0,
    mark: 0,
  };
  private readonly input: RunInput;
  private readonly onLabel: FlowClassifierOptions['onLabel'];
  private readonly onRunError: FlowClassifierOptions['onRunError'];

  constructor(rules: readonly ClassifierRule[], options: FlowClassifierOptions = {}) {
    if (rules.length === 0) throw new RangeError('a flow classifier needs at least one script');
    const window = options.window ?? DEFAULT_WINDOW;
    if (!Number.isInteger(window) || window < 1)
      throw new RangeError(`window must be a whole number of packets ≥ 1, got ${window}`);
    this.window = window;
    this.emptyPackets = options.emptyPackets ?? false;
    this.engine = options.engine ?? new Engine(options.caps);
    this.scripts = rules.map((r) => r.script);
    this.pushes = rules.map((r) => r.pushes ?? []);
    this.labels = rules.map((r) => r.label ?? r.script.name);
    this.stats = rules.map(() => new ScriptStats());
    this.onLabel = options.onLabel;
    this.onRunError = options.onRunError;
    const onFlowEnd = options.onFlowEnd;
    this.table = new FlowTable({
      ...options.flows,
      slots: 1,
      onRemove: onFlowEnd ? (f, reason) => onFlowEnd(f, this.labelsOf(f), reason) : undefined,
    });
    this.none = new FlowLabels(rules.length);
    this.none.pending = 0;
    this.result = new PacketResult(rules.length, this.none);
    this.input = {
      packet: null as unknown as Packet,
      ct: this.ownCt,
      mark: 0,
      packetTime: 0,
      packetSerial: 0,
      flow: null,
    };
  }

  /** Flows in the table. */
  get flowCount(): number {
    return this.table.size;
  }

  /** Flows removed from the table so far, by reason. */
  get removed(): Readonly<Record<FlowRemoveReason, number>> {
    return this.table.removed;
  }

  /** The labels of a flow of this classifier's table (an empty set for a flow it never saw). */
  labelsOf(flow: Flow): FlowLabels {
    return (flow.slots[0] as FlowLabels | undefined) ?? this.none;
  }

  /** Live flows (most recently used first within TCP, then the others). */
  flows(): IterableIterator<Flow> {
    return this.table[Symbol.iterator]();
  }

  /**
   * Classifies one decoded packet. `time`: capture or arrival time in seconds (drives idle expiry
   * and `$packet_time`). `ct`: conntrack's view of the connection when live (NFQUEUE); when null
   * the flow table supplies `$ct_*`. `mark`: the packet's mark (`$mark` starts from it). Returns a
   * result object that the next call overwrites.
   */
  classify(packet: Packet, time: number, ct: CtInfo | null = null, mark = 0): PacketResult {
    const r = this.result;
    const n = this.scripts.length;
    if (r.ran !== 0) r.verdicts.fill(NOT_RUN);
    r.ran = 0;
    r.newLabels = 0;
    r.hotdrop = false;
    r.mark = mark;
    const f = this.table.lookup(packet, time);
    if (f === null) {
      r.flow = null;
      r.dir = 0;
      r.labels = this.none;
      return r;
    }
    const dir = this.table.direction;
    let fl = f.slots[0] as FlowLabels | undefined;
    if (fl === undefined) {
      fl = new FlowLabels(n);
      f.slots[0] = fl;
    }
    r.flow = f;
    r.dir = dir;
    r.labels = fl;
    if (fl.pending === 0) return r;

    // the window: the first `window` payload packets of each direction (the table has already
    // counted this one); a packet without payload only while its direction's window is open
    const seen = dir === 0 ? f.payloadPacketsAB : f.payloadPacketsBA;
    const w = this.window;
    const inWindow = packet.payloadLength > 0 ? seen <= w : this.emptyPackets && seen < w;
    if (inWindow) this.runScripts(packet, time, ct, f, fl, r);
    if (fl.pending > 0 && f.payloadPacketsAB >= w && f.payloadPacketsBA >= w) this.giveUp(fl);
    return r;
  }

  /** Removes every flow (reporting each to `onFlowEnd`), as at the end of a capture. */
  drain(): void {
    this.table.drain();
  }

  /** Expires flows idle at time `now` without classifying a packet (live: call on a timer). */
  expire(now: number): void {
    this.table.expire(now);
  }

  private runScripts(
    packet: Packet,
    time: number,
    ct: CtInfo | null,
    f: Flow,
    fl: FlowLabels,
    r: PacketResult,
  ): void {
    const input = this.input;
    input.packet = packet;
    // the scripts share one slice of `$data`
    input.packetSerial = this.engine.nextPacketSerial();
    input.packetTime = Math.floor(time);
    if (ct === null) {
      ctFromFlow(this.ownCt, f, r.dir);
      input.ct = this.ownCt;
    } else input.ct = ct;
    const engine = this.engine;
    const scripts = this.scripts;
    let mark = r.mark;
    for (let i = 0; i < scripts.length; i++) {
      if (fl.state[i] !== LABEL_PENDING) continue;
      const s = scripts[i];
      input.mark = mark;
      if (s.usesFlowRegisters) {
        let regs = fl.registers[i];
        if (regs === null) {
          regs = newFlowRegisters();
          fl.registers[i] = regs;
        }
        input.flow = regs;
      } else input.flow = null;
      const v = s.run(engine, input, this.pushes[i]);
      mark = engine.mark;
      r.verdicts[i] = v;
      r.ran++;
      const st = this.stats[i];
      st.verdicts[v]++;
      if (v === Verdict.YES) {
        fl.state[i] = LABEL_MATCHED;
        fl.matchedAt[i] = f.totalPackets;
        fl.registers[i] = null;
        fl.labelCount++;
        fl.pending--;
        r.newLabels++;
        st.flows++;
        this.onLabel?.(f, i, fl);
      } else if (v === Verdict.HOTDROP || v === Verdict.FAIL) {
        if (v === Verdict.HOTDROP) r.hotdrop = true;
        st.lastError = engine.lastError;
        if (engine.lastError) this.onRunError?.(i, v, engine.lastError, f);
      }
    }
    r.mark = mark;
  }

  private giveUp(fl: FlowLabels): void {
    for (let i = 0; i < fl.state.length; i++) {
      if (fl.state[i] === LABEL_PENDING) {
        fl.state[i] = LABEL_UNMATCHED;
        fl.registers[i] = null;
      }
    }
    fl.pending = 0;
  }
}
