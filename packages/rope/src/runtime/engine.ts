// An engine runs scripts: it owns the machine (stack, registers, caps) and the global registers
// that every script run through it shares. One engine per thread; runs are sequential.
import type { Caps } from './caps.js';
import { FLOW_REGISTERS, Machine } from './machine.js';
import type { RunError } from './run-error.js';
import { valueArray, type Value } from './values.js';
import type { Script } from './script.js';
import { TableSet, type TableConflict } from '../tables/table-set.js';

export class Engine {
  readonly machine: Machine;
  /** The tables of every script run through this engine (`table( … )`), shared by all flows. */
  readonly tables: TableSet;
  /** Why the last run ended with FAIL or HOTDROP; null after any other verdict. */
  lastError: RunError | null = null;

  constructor(caps: Partial<Caps> = {}) {
    this.machine = new Machine(caps);
    this.tables = this.machine.tables;
  }

  /**
   * Declares `script`'s tables in this engine: a table another script declared already is shared;
   * one declared with another capacity or lifetime is a conflict, returned (the first is kept).
   */
  loadTables(script: Script): TableConflict[] {
    const out: TableConflict[] = [];
    for (const t of script.tables) {
      const r = this.tables.declare(t, script.file);
      if (!('spec' in r)) out.push(r);
    }
    return out;
  }

  get caps(): Readonly<Caps> {
    return this.machine.caps;
  }

  /** `$mark` as the last run left it (the mark to set on the packet). */
  get mark(): number {
    return this.machine.mark;
  }

  /** The signature name the last run gave with `via`, or null. */
  get via(): string | null {
    return this.machine.via;
  }

  /** What taught the key the last run last found with `table_has` (its note), or null. */
  get learnedFrom(): string | null {
    return this.machine.learnedFrom;
  }

  /**
   * The last run ended with `never`: NO, and no later packet of its flow can match, so a
   * classifier stops running the script on the flow.
   */
  get never(): boolean {
    return this.machine.never;
  }

  /** Verbs the last run executed. */
  get actions(): number {
    return this.machine.actions;
  }

  /** The global registers (`greg`), shared by every script of this engine. */
  get greg(): Int32Array {
    return this.machine.greg;
  }

  /** A serial for `RunInput.packetSerial`: one per decoded packet that several scripts run on. */
  nextPacketSerial(): number {
    return this.machine.nextPacketSerial();
  }

  /** The stack as the last run left it, bottom first (a copy; for tests and tools). */
  stack(): Value[] {
    return this.machine.stack.slice(0, this.machine.sp);
  }

  /** `$offset` as the last run left it. */
  get offset(): number {
    return this.machine.off - this.machine.ip;
  }

  /** @internal Called by Script.run at the end of a run. */
  finish(error: RunError | null): void {
    this.lastError = error;
  }
}

/** Fresh flow registers for one flow and one script (all start as 0). */
export function newFlowRegisters(): Value[] {
  return valueArray(FLOW_REGISTERS);
}
