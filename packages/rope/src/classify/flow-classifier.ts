// Per-flow classification with several scripts: the logic shared by `rope classify` (captures)
// and `rope run` (NFQUEUE). Each packet is looked up in a flow table; each script still pending
// on the packet's flow runs on it if the packet falls in the window (the first N payload-carrying
// packets of its direction). A script's first YES gives the flow its label for good, and the
// script no longer runs on that flow — like l7-filter and the historical rope, which saved the
// match in the connection mark. When both directions are past the window, every script still
// pending gives up on the flow. So a flow costs a hash lookup per packet, and scripts run at most
// 2N times per flow. Two exceptions, both for scripts that declare tables (they learn): such a
// script keeps running on the flows it labelled while their window is open, its verdicts ignored,
// to learn from what follows the packet that proved the flow (an eD2k hello answer, a Direct
// Connect hub's connection requests); and it runs again on a flow past its window once a table
// has learned a new key (see late-runs.ts), at most once a second per flow.
//
// Nothing is allocated per packet, nor per flow beyond the flow table's own Flow: the result
// object, the run input and the `$ct_*` record are reused, and each flow's labels (with why each
// matched, `via`) and `freg` registers live in typed arrays indexed by the flow's slot
// (FlowLabels is a view onto them), which grow with the table and shrink back after a flood (see
// `expire`).
import type { Packet } from '@p2pwall/core';
import { FlowTable, type Flow, type FlowRemoveReason } from '@p2pwall/core/flow';
import { Engine, newFlowRegisters } from '../runtime/engine.js';
import {
  newCtInfo,
  reusableRunInput,
  type CtInfo,
  type RunInput,
  type Script,
} from '../runtime/script.js';
import type { Value } from '../runtime/values.js';
import { Verdict } from '../runtime/verdict.js';
import {
  FlowLabels,
  type LabelStore,
  LABEL_MATCHED,
  LABEL_NEVER,
  LABEL_PENDING,
  LABEL_UNMATCHED,
} from './flow-labels.js';
import type { ClassifierRule, FlowClassifierOptions } from './classifier-options.js';
import type { RegisterStore } from './flow-registers.js';
import { ctFromFlow } from './ct-from-flow.js';
import { DEFAULT_WINDOW } from './default-window.js';
import type { LateRunStore } from './late-runs.js';
import { PerFlowArrays } from './per-flow-arrays.js';
import { NOT_RUN, PacketResult } from './packet-result.js';
import { ScriptStats } from './script-stats.js';

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
  /** The per-flow arrays (per-flow-arrays.ts), and three of them for the packet path. */
  private readonly arrays: PerFlowArrays;
  private readonly store: LabelStore;
  private readonly registers: RegisterStore;
  /** The scripts that declare tables (the only ones a late run runs), by index. */
  private readonly tableScripts: Int32Array;
  /** Per flow, when its scripts last saw the tables; null when no script declares a table. */
  private readonly late: LateRunStore | null;
  /** Per script: 1 when it declares tables, so it keeps running (learning) on flows it labelled. */
  private readonly learns: Uint8Array;
  private readonly anyLearns: boolean;
  /** Per script: its register set in `registers`, or −1 for a script without `freg`. */
  private readonly registerSet: Int32Array;
  /** The registers a run works on (loaded from and saved to `registers`). */
  private readonly scratch: Value[] = newFlowRegisters();
  /** Views for `labelsOf` and `onFlowEnd`. */
  private readonly peek: FlowLabels;
  private readonly ending: FlowLabels;
  private readonly ownCt: CtInfo = newCtInfo();
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
    this.learns = Uint8Array.from(this.scripts, (s) => (s.tables.length > 0 ? 1 : 0));
    this.anyLearns = this.learns.includes(1);
    this.onLabel = options.onLabel;
    this.onRunError = options.onRunError;
    const onFlowEnd = options.onFlowEnd;
    this.table = new FlowTable({
      ...options.flows,
      onRemove: (f, reason) => {
        if (onFlowEnd) {
          this.ending.slot = f.slot;
          onFlowEnd(f, this.ending, reason);
        }
        this.registers.clear(f.slot);
        this.store.release(f.slot);
      },
    });
    this.registerSet = new Int32Array(rules.length).fill(-1);
    let sets = 0;
    this.scripts.forEach((s, i) => {
      if (s.usesFlowRegisters) this.registerSet[i] = sets++;
    });
    this.tableScripts = Int32Array.from(
      this.scripts.flatMap((s, i) => (s.tables.length > 0 ? [i] : [])),
    );
    this.arrays = new PerFlowArrays(
      rules.length,
      sets,
      this.tableScripts.length > 0,
      this.table.maxFlows,
      options.flows?.reserve ?? 0,
    );
    this.store = this.arrays.labels;
    this.registers = this.arrays.registers;
    this.late = this.arrays.late;
    this.peek = new FlowLabels(this.store);
    this.ending = new FlowLabels(this.store);
    this.result = new PacketResult(rules.length, new FlowLabels(this.store));
    this.input = reusableRunInput(this.ownCt);
  }

  /** Flows in the table. */
  get flowCount(): number {
    return this.table.size;
  }

  /** The most flows the table holds. */
  get maxFlows(): number {
    return this.table.maxFlows;
  }

  /** Flows removed from the table so far, by reason. */
  get removed(): Readonly<Record<FlowRemoveReason, number>> {
    return this.table.removed;
  }

  /** Flows the per-flow arrays have room for (they grow with the table, shrink after a flood). */
  get capacity(): number {
    return this.arrays.capacity;
  }

  /** Flows whose `freg` registers hold a string (kept outside the typed arrays). */
  get flowsWithStringRegisters(): number {
    return this.registers.sideSets;
  }

  /** Distinct `via` names the live flows' labels hold (they go with the last flow holding them). */
  get viaNamesHeld(): number {
    return this.store.names.size;
  }

  /**
   * The labels of a live flow of this classifier's table (an empty set for a flow that has left
   * it). A view, valid until the next call.
   */
  labelsOf(flow: Flow): FlowLabels {
    this.peek.slot = flow.slot;
    return this.peek;
  }

  /**
   * A copy of script `i`'s flow registers for a live flow, or null when the script has none for
   * it (it does not use `freg`, has not run on the flow, or is done with it). For tests and tools.
   */
  registersOf(flow: Flow, i: number): Value[] | null {
    const set = this.registerSet[i];
    return set < 0 || flow.slot < 0 ? null : this.registers.read(flow.slot, set);
  }

  /** Live flows (most recently used first within open TCP, then the others, then ended TCP). */
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
    if (r.ran !== 0) r.verdicts.fill(NOT_RUN);
    r.ran = 0;
    r.newLabels = 0;
    r.hotdrop = false;
    r.mark = mark;
    const f = this.table.lookup(packet, time);
    if (f === null) {
      r.flow = null;
      r.dir = 0;
      r.labels.slot = -1;
      return r;
    }
    const slot = f.slot;
    const store = this.store;
    const late = this.late;
    if (this.table.created) {
      if (slot >= store.capacity) this.arrays.grow(slot);
      store.open(slot);
      late?.open(slot, this.engine.tables.generation);
    }
    r.flow = f;
    r.dir = this.table.direction;
    r.labels.slot = slot;
    if (store.pending[slot] === 0 && (!this.anyLearns || store.labelCount[slot] === 0)) {
      if (late !== null && late.due(slot, this.engine.tables.generation, time))
        this.runLate(packet, time, ct, f, r);
      return r;
    }

    // the window: the first `window` payload packets of each direction (the table has already
    // counted this one); a packet without payload only while its direction's window is open
    const seen = r.dir === 0 ? f.payloadPacketsAB : f.payloadPacketsBA;
    const w = this.window;
    const inWindow = packet.payloadLength > 0 ? seen <= w : this.emptyPackets && seen < w;
    if (inWindow) {
      this.runScripts(packet, time, ct, f, r, false);
      if (late !== null) late.generation[slot] = this.engine.tables.generation;
    } else if (late !== null && seen >= w && late.due(slot, this.engine.tables.generation, time))
      // the packet's direction is past its window (the other may not be: a download)
      this.runLate(packet, time, ct, f, r);
    if (store.pending[slot] > 0 && f.payloadPacketsAB >= w && f.payloadPacketsBA >= w)
      this.giveUp(slot);
    return r;
  }

  /** Removes every flow (reporting each to `onFlowEnd`), as at the end of a capture. */
  drain(): void {
    this.table.drain();
  }

  /**
   * Expires flows idle at time `now` without classifying a packet (live: call on a timer). When
   * the table then holds under a quarter of what the per-flow arrays have room for (after a
   * flood), the live flows are packed into the lowest slots and the arrays shrink: O(live flows),
   * on the timer, never on a packet.
   */
  expire(now: number): void {
    this.table.expire(now);
    this.arrays.shrinkAfterFlood(this.table);
  }

  /**
   * A late run (late-runs.ts): the tables learned something since the flow's scripts last ran,
   * and the flow is past its window. Runs the scripts with tables that have not matched, if any.
   */
  private runLate(packet: Packet, time: number, ct: CtInfo | null, f: Flow, r: PacketResult): void {
    const late = this.late!;
    const slot = f.slot;
    const state = this.store.state;
    const base = slot * this.scripts.length;
    const ts = this.tableScripts;
    let open = false;
    for (let k = 0; k < ts.length; k++) {
      const st = state[base + ts[k]];
      if (st !== LABEL_MATCHED && st !== LABEL_NEVER) open = true;
    }
    if (open) {
      late.lastRun[slot] = time;
      this.runScripts(packet, time, ct, f, r, true);
    }
    // what the runs themselves taught does not call for another
    late.generation[slot] = this.engine.tables.generation;
  }

  /**
   * Runs the scripts on the packet: in the window, every pending script, each on its flow
   * registers; in a late run, the scripts with tables that have not matched, on fresh registers
   * that are not kept.
   */
  private runScripts(
    packet: Packet,
    time: number,
    ct: CtInfo | null,
    f: Flow,
    r: PacketResult,
    pastWindow: boolean,
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
    input.pastWindow = pastWindow;
    const engine = this.engine;
    // `$tables_grew`: whether a key became alive since the window's previous runs on this flow
    // began (a late run, or a flow's first run, always says yes)
    const late = this.late;
    let since = NaN;
    if (late !== null && !pastWindow) {
      since = late.looked[f.slot];
      late.looked[f.slot] = engine.tables.generation;
    }
    const scripts = this.scripts;
    const store = this.store;
    const slot = f.slot;
    const base = slot * scripts.length;
    let mark = r.mark;
    for (let i = 0; i < scripts.length; i++) {
      const was = store.state[base + i];
      if (pastWindow) {
        if (was === LABEL_MATCHED || was === LABEL_NEVER || scripts[i].tables.length === 0)
          continue;
      } else if (was !== LABEL_PENDING) {
        if (was === LABEL_MATCHED && this.learns[i] === 1) this.learn(i, f, mark);
        continue;
      }
      const s = scripts[i];
      input.mark = mark;
      input.tablesGrew = since !== engine.tables.generation;
      const set = this.registerSet[i];
      if (pastWindow) {
        input.flow = null;
      } else if (set >= 0) {
        this.registers.load(slot, set, this.scratch);
        input.flow = this.scratch;
      } else input.flow = null;
      const v = s.run(engine, input, this.pushes[i]);
      mark = engine.mark;
      r.verdicts[i] = v;
      r.ran++;
      const st = this.stats[i];
      st.verdicts[v]++;
      if (v === Verdict.YES) {
        store.state[base + i] = LABEL_MATCHED;
        store.matchedAt[base + i] = f.totalPackets;
        store.setVia(slot, i, engine.via, engine.learnedFrom);
        if (set >= 0) this.registers.drop(slot, set);
        store.labelCount[slot]++;
        if (was === LABEL_PENDING) store.pending[slot]--;
        r.newLabels++;
        st.labelled();
        this.onLabel?.(f, i, r.labels);
      } else if (v === Verdict.NO && engine.never) {
        // the script is done with the flow: it runs on none of its later packets
        store.state[base + i] = LABEL_NEVER;
        if (set >= 0) this.registers.drop(slot, set);
        if (was === LABEL_PENDING) store.pending[slot]--;
        st.gaveUp();
      } else {
        if (set >= 0 && !pastWindow) this.registers.save(slot, set, this.scratch);
        if (v === Verdict.HOTDROP || v === Verdict.FAIL) {
          if (v === Verdict.HOTDROP) r.hotdrop = true;
          st.lastError = engine.lastError;
          if (engine.lastError) this.onRunError?.(i, v, engine.lastError, f);
        }
      }
    }
    r.mark = mark;
  }

  /**
   * Runs script `i` on a flow it already labelled, only for what it adds to its tables: the verdict
   * changes nothing, the flow registers are not kept (they were dropped at the YES), and the run is
   * not counted in `stats.verdicts`; an error is reported as for any run.
   */
  private learn(i: number, f: Flow, mark: number): void {
    const input = this.input;
    input.mark = mark;
    input.flow = null;
    const v = this.scripts[i].run(this.engine, input, this.pushes[i]);
    if (v === Verdict.HOTDROP || v === Verdict.FAIL) {
      const st = this.stats[i];
      st.lastError = this.engine.lastError;
      if (this.engine.lastError) this.onRunError?.(i, v, this.engine.lastError, f);
    }
  }

  private giveUp(slot: number): void {
    const n = this.scripts.length;
    const state = this.store.state;
    for (let i = 0; i < n; i++) {
      if (state[slot * n + i] === LABEL_PENDING) {
        state[slot * n + i] = LABEL_UNMATCHED;
        if (this.registerSet[i] >= 0) this.registers.drop(slot, this.registerSet[i]);
      }
    }
    this.store.pending[slot] = 0;
  }
}
