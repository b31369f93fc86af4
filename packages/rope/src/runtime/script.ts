// A compiled script: run it per packet with `run(engine, input, pushes)`. Everything the run
// needs is in the engine's machine; the outcome besides the verdict (the error of a FAIL or
// HOTDROP, the `$mark` to set) is read from the engine afterwards.
import type { Packet } from '@p2pwall/core';
import type { SourceFile } from '../source.js';
import type { Op } from './block.js';
import type { TableSpec } from '../tables/shared-table.js';
import type { Engine } from './engine.js';
import { RunError } from './run-error.js';
import type { TraceSink } from './trace.js';
import type { Value } from './values.js';
import { statusVerdict, STOP_FAIL, STOP_HOTDROP, Verdict } from './verdict.js';

/** `$ct_state` values (`CtInfo.state`). */
export const CT_NEW = 0;
export const CT_ESTABLISHED = 1;
export const CT_RELATED = 2;

/** What the flow table or conntrack knows about the packet's connection. */
export interface CtInfo {
  /** IP protocol of the flow. */
  proto: number;
  /** CT_NEW, CT_ESTABLISHED or CT_RELATED. */
  state: number;
  /** 0 original direction, 1 reply. */
  dir: number;
  /** Packets of the flow so far, this one included. */
  packets: number;
  /** Bytes (IP lengths) of the flow so far, this packet included. */
  bytes: number;
  /** The connection mark. */
  mark: number;
}

export interface RunInput {
  /** A decoded packet (`Packet.decode` returned true). */
  packet: Packet;
  ct?: CtInfo | null;
  /** The packet mark before the run (`$mark` starts with it). */
  mark?: number;
  /** Capture or arrival time, seconds since 1970 (`$packet_time`). */
  packetTime?: number;
  /** `$kernel_time`; read from the clock when absent. */
  kernelTime?: number;
  /**
   * From `engine.nextPacketSerial()`, the same for every script run on one decoded packet: the
   * first run that reads `$data` or `$packet` makes the string, the others reuse it. Only when
   * the packet is not re-decoded or changed between those runs; absent or 0: nothing is reused.
   */
  packetSerial?: number;
  /** This flow's registers for this script (`freg`), from `newFlowRegisters()`; null: per run. */
  flow?: Value[] | null;
  /**
   * The flow has passed its window and runs again because a table learned something
   * (`$past_window` reads 1).
   */
  pastWindow?: boolean;
  /**
   * False when the scripts ran on this flow before and no table of the engine has gained a key
   * since (`$tables_grew` reads 0): a key looked up then is still missing. Default true.
   */
  tablesGrew?: boolean;
  trace?: TraceSink | null;
}

/** A `$ct_*` record for a caller to fill per packet (a new connection, nothing counted yet). */
export function newCtInfo(): CtInfo {
  return { proto: 0, state: CT_NEW, dir: 0, packets: 0, bytes: 0, mark: 0 };
}

/**
 * A run input with every field present, for a caller that reuses one object for every run: V8
 * then sees one shape at each read of it, where fields added later would give it several.
 */
export function reusableRunInput(ct: CtInfo): RunInput {
  return {
    packet: null as unknown as Packet,
    ct,
    mark: 0,
    packetTime: 0,
    packetSerial: 0,
    flow: null,
    pastWindow: false,
    tablesGrew: true,
  };
}

const NO_PUSHES: readonly Value[] = [];

/** A table as a script declares it (`table( "peers" 65536 3600 kernel )`). */
export interface ScriptTable extends TableSpec {
  /** `rope run` mirrors the table into a kernel set. */
  kernel: boolean;
}

export class Script {
  constructor(
    /** The file name without `.rope`. */
    readonly name: string,
    readonly source: SourceFile,
    private readonly main: Op,
    /** The script uses `freg`: give it per-flow registers in `RunInput.flow`. */
    readonly usesFlowRegisters: boolean,
    /** User register slots the script uses ($a…$z and its named registers). */
    private readonly userRegisters: number,
    /** The tables the script declares, in declaration order. */
    readonly tables: readonly ScriptTable[] = [],
  ) {}

  /** The engine this script's tables were last declared in (see run). */
  private tablesIn: Engine | null = null;

  get file(): string {
    return this.source.file;
  }

  /**
   * Runs the script on one packet. Allocates nothing unless the script builds strings or the
   * run fails (then `engine.lastError` describes it).
   */
  run(engine: Engine, input: RunInput, pushes: readonly Value[] = NO_PUSHES): Verdict {
    const m = engine.machine;
    // A script run on an engine that does not know its tables declares them there first (the
    // classifiers do it up front, where a disagreement between scripts can be reported).
    if (this.tablesIn !== engine && this.tables.length !== 0) {
      engine.loadTables(this);
      this.tablesIn = engine;
    }
    m.resetRun(this.userRegisters);
    const p = input.packet;
    const ct = input.ct;
    m.mark = input.mark ?? 0;
    if (p.version !== 4 && p.version !== 6) {
      engine.finish(
        RunError.at('EPacket', 'not an IP packet the engine can decode', null, this.source),
      );
      return Verdict.FAIL;
    }
    m.setPacket(p, input.packetSerial ?? 0);
    if (ct) {
      m.ctProto = ct.proto;
      m.ctState = ct.state;
      m.ctDir = ct.dir;
      m.ctPackets = ct.packets;
      m.ctBytes = ct.bytes;
      m.ctMark = ct.mark;
    } else {
      // the packet on its own: the first of a new flow
      m.ctProto = p.protocol;
      m.ctState = CT_NEW;
      m.ctDir = 0;
      m.ctPackets = 1;
      m.ctBytes = p.ipLength;
      m.ctMark = 0;
    }
    m.packetTime = input.packetTime ?? 0;
    if (input.kernelTime !== undefined) m.kernelTime = input.kernelTime;
    m.pastWindow = input.pastWindow === true ? 1 : 0;
    m.tablesGrew = input.tablesGrew === false ? 0 : 1;
    if (input.flow) m.flow = input.flow;
    else {
      // per-run flow registers; only scripts with `freg` can see them, so only they clear them
      if (this.usesFlowRegisters) m.flowScratch.fill(0);
      m.flow = m.flowScratch;
    }
    m.trace = input.trace ?? null;
    const n = pushes.length;
    if (n > m.caps.maxStack) {
      m.overflow({ line: 0, column: 0, endColumn: 0, label: 'pre-pushed values' });
      engine.finish(RunError.at('EStackFull', m.errMessage, null, this.source));
      return Verdict.HOTDROP;
    }
    for (let i = 0; i < n; i++) m.stack[i] = pushes[i];
    m.sp = n;
    const s = this.main(m);
    engine.finish(
      s === STOP_FAIL || s === STOP_HOTDROP
        ? RunError.at(
            m.errName ?? (s === STOP_FAIL ? 'EType' : 'ELimit'),
            m.errMessage,
            m.errSite,
            this.source,
          )
        : null,
    );
    return statusVerdict(s);
  }
}
