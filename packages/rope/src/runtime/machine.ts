// The state one run works on: the preallocated stack with its anchor frames, the registers, the
// packet and the cursor, the counters of the caps, and the error of a failed run. One Machine
// per Engine, reset for every run, so running a script allocates nothing of its own.
import { Packet } from '@p2pwall/core';
import { MAX_NAMED_REGISTERS, USER_REGISTER_NAMES } from '../language/registers.js';
import { TableSet } from '../tables/table-set.js';
import { resolveCaps, type Caps } from './caps.js';
import type { RunErrorName } from './run-error.js';
import type { Site } from './site.js';
import type { TraceSink } from './trace.js';
import { typeName, valueArray, type Value } from './values.js';
import { STOP_FAIL, STOP_HOTDROP, type Status } from './verdict.js';

export const USER_REGISTERS = USER_REGISTER_NAMES.length;
/** `$a`…`$z` and the named user registers a script may add. */
export const USER_REGISTER_SLOTS = USER_REGISTERS + MAX_NAMED_REGISTERS;
export const GLOBAL_REGISTERS = 256;
export const FLOW_REGISTERS = 16;

type Latin1Buffer = Buffer & { latin1Slice(start: number, end: number): string };

const EMPTY = Buffer.alloc(0) as Latin1Buffer;

export class Machine {
  readonly caps: Caps;
  readonly stack: Value[];
  sp = 0;
  /** Stack height at the innermost open anchor; operands below it are out of reach. */
  base = 0;
  readonly anchors: Int32Array;
  anchorDepth = 0;

  readonly user: Value[] = valueArray(USER_REGISTER_SLOTS);
  /** A user register was written this run (else resetting them can be skipped). */
  userDirty = false;
  /** User register slots of the last run started: the only ones it may have written. */
  private userExtent = USER_REGISTER_SLOTS;
  /** Global integer registers: shared by every script of the engine, kept between runs. */
  readonly greg = new Int32Array(GLOBAL_REGISTERS);
  /** The flow registers of this run: the caller's per-flow array, or a scratch one. */
  flow: Value[];
  readonly flowScratch: Value[] = valueArray(FLOW_REGISTERS);

  pkt: Packet = new Packet();
  /** The packet's buffer as a Buffer (for latin1Slice and indexOf). */
  buf: Latin1Buffer = EMPTY;
  private raw: Uint8Array | null = null;
  /**
   * `$data` and `$packet` as strings, made on first read (scripts read `$data` many times) and
   * kept for the runs of the other scripts on the same packet (see `setPacket`).
   */
  dataStr: string | null = null;
  packetStr: string | null = null;
  /** The packet serial `dataStr` and `packetStr` belong to; 0: this run's packet only. */
  private stringsSerial = 0;
  private lastSerial = 0;
  /** Absolute offsets in `buf`: IP header start, end of usable bytes, cursor. */
  ip = 0;
  end = 0;
  off = 0;

  actions = 0;
  maxActions: number;
  maxLoops: number;
  depth = 0;

  ctProto = 0;
  ctState = 0;
  ctDir = 0;
  ctPackets = 0;
  ctBytes = 0;
  ctMark = 0;
  mark = 0;
  packetTime = 0;
  /** -1 until read: `$kernel_time` asks the clock once per run. */
  kernelTime = -1;
  /** `$past_window`: 1 when the classifier runs the script on a flow past its window. */
  pastWindow = 0;
  /** `$tables_grew`: 0 only when the classifier knows no table gained a key since the last run. */
  tablesGrew = 1;

  trace: TraceSink | null = null;

  /** The engine's tables (words/tables.ts). */
  readonly tables = new TableSet();
  /** The signature name a run gave with `via`; null when it gave none. */
  via: string | null = null;
  /** What taught the key the run last found in a table (`table_has`): its note. */
  learnedFrom: string | null = null;
  /**
   * The run ended with `never`: no later packet of the flow can match. Set by the word, cleared
   * where `eval` or `expect_one` catch the NO it ended a block with (only a run's end counts).
   */
  never = false;

  errName: RunErrorName | null = null;
  errMessage = '';
  errSite: Site | null = null;
  /** STOP_FAIL or STOP_HOTDROP: how the recorded error ends the run. */
  errStatus: Status = STOP_FAIL;

  constructor(caps: Partial<Caps> = {}) {
    this.caps = resolveCaps(caps);
    this.stack = valueArray(this.caps.maxStack);
    this.anchors = new Int32Array(this.caps.maxStack + 1);
    this.maxActions = this.caps.maxActions;
    this.maxLoops = this.caps.maxWhileLoops;
    this.flow = this.flowScratch;
  }

  /** A serial for a decoded packet that several runs share (`RunInput.packetSerial`). */
  nextPacketSerial(): number {
    return ++this.lastSerial;
  }

  /**
   * Points the machine at a decoded packet and puts `$offset` at the transport payload. The
   * strings of `$data` and `$packet` are kept when `serial` is that of the previous run (the same
   * packet, unchanged), else made anew on first read.
   */
  setPacket(p: Packet, serial = 0): void {
    this.pkt = p;
    const b = p.buf;
    if (b !== this.raw) {
      this.raw = b;
      this.buf = (
        Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength)
      ) as Latin1Buffer;
    }
    this.ip = p.ipOffset;
    this.end = p.end;
    this.off = p.payloadOffset;
    if (serial === 0 || serial !== this.stringsSerial) {
      this.dataStr = null;
      this.packetStr = null;
      this.stringsSerial = serial;
    }
  }

  /** Bytes [a, b) of the packet buffer as a latin1 string. */
  latin1(a: number, b: number): string {
    return a >= b ? '' : this.buf.latin1Slice(a, b);
  }

  /** Starts a run; `userRegisters`: how many user registers the script uses (cleared to 0). */
  resetRun(userRegisters = USER_REGISTER_SLOTS): void {
    this.sp = 0;
    this.base = 0;
    this.anchorDepth = 0;
    // a run writes only its own slots, and every slot beyond them was 0 before it: clearing the
    // previous run's slots (not this one's, which may be fewer) leaves every slot 0
    if (this.userDirty) {
      const u = this.user;
      for (let i = 0; i < this.userExtent; i++) u[i] = 0;
      this.userDirty = false;
    }
    this.userExtent = userRegisters;
    this.actions = 0;
    this.maxActions = this.caps.maxActions;
    this.maxLoops = this.caps.maxWhileLoops;
    this.depth = 0;
    this.via = null;
    this.learnedFrom = null;
    this.never = false;
    this.kernelTime = -1;
    this.errName = null;
    this.errMessage = '';
    this.errSite = null;
  }

  fail(name: RunErrorName, message: string, site: Site | null): Status {
    this.errName = name;
    this.errMessage = message;
    this.errSite = site;
    this.errStatus = STOP_FAIL;
    return STOP_FAIL;
  }

  hot(name: RunErrorName, message: string, site: Site | null): Status {
    this.errName = name;
    this.errMessage = message;
    this.errSite = site;
    this.errStatus = STOP_HOTDROP;
    return STOP_HOTDROP;
  }

  /** Fewer than `need` operands above the innermost anchor. */
  underflow(site: Site, need: number): Status {
    const have = this.sp - this.base;
    const s = need === 1 ? '' : 's';
    if (this.anchorDepth > 0 && this.sp >= need) {
      return this.fail(
        'EAnchor',
        `\`${site.label}\` needs ${need} operand${s} but only ${have} ${have === 1 ? 'is' : 'are'} inside the open anchor call`,
        site,
      );
    }
    return this.fail(
      'EStackEmpty',
      `\`${site.label}\` needs ${need} operand${s} but the stack holds ${have}`,
      site,
    );
  }

  overflow(site: Site): Status {
    return this.hot('EStackFull', `stack full: more than ${this.caps.maxStack} items`, site);
  }

  typeError(site: Site, expected: string, got: Value): Status {
    return this.fail('EType', `\`${site.label}\` needs ${expected}, got ${typeName(got)}`, site);
  }
}
