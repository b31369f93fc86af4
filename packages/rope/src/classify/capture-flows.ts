// Flow context for running one script on every packet of a capture (`rope test`): the core's flow
// table supplies `$ct_*` (as the flow classifier does, see ctFromFlow) and keeps each flow's
// `freg` registers (one array per flow, by its slot: a debugging tool runs one script, where
// the classifier's typed arrays would buy nothing).
import type { Packet } from '@p2pwall/core';
import { FlowTable, type Flow } from '@p2pwall/core/flow';
import { ctFromFlow } from './ct-from-flow.js';
import { newFlowRegisters } from '../runtime/engine.js';
import { newCtInfo, type CtInfo } from '../runtime/script.js';
import type { Value } from '../runtime/values.js';

export class CaptureFlows {
  private readonly registers: (Value[] | undefined)[] = [];
  private readonly table = new FlowTable({
    onRemove: (f) => {
      this.registers[f.slot] = undefined;
    },
  });
  /** Filled by `update` for the current packet (one object, reused). */
  private readonly ct: CtInfo = newCtInfo();
  private flow: Flow | null = null;

  /**
   * Looks the packet up (counting it); `now` is the packet time in seconds. Returns the `$ct_*`
   * values for `RunInput.ct`, or null for a packet without a flow (a later fragment, a header
   * without ports), which the script then sees on its own.
   */
  update(p: Packet, now: number): CtInfo | null {
    const f = this.table.lookup(p, now);
    this.flow = f;
    if (f === null) return null;
    ctFromFlow(this.ct, f, this.table.direction);
    return this.ct;
  }

  /** The flow registers of the current packet's flow (made on first use); null without a flow. */
  flowRegisters(): Value[] | null {
    const f = this.flow;
    if (f === null) return null;
    let r = this.registers[f.slot];
    if (r === undefined) {
      r = newFlowRegisters();
      this.registers[f.slot] = r;
    }
    return r;
  }
}
