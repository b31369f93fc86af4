// Flow context for running scripts on a capture: the core's flow table supplies `$ct_*` (as
// conntrack would: NEW until the first reply packet, then ESTABLISHED; packets and bytes of both
// directions so far, this packet included) and keeps each flow's `freg` registers.
import type { Packet } from '@p2pwall/core';
import { FlowTable, type Flow } from '@p2pwall/core/flow';
import { newFlowRegisters } from '../runtime/engine.js';
import type { CtInfo } from '../runtime/script.js';
import type { Value } from '../runtime/values.js';

export const CT_NEW = 0;
export const CT_ESTABLISHED = 1;

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

export class CaptureFlows {
  private readonly table: FlowTable;
  /** Filled by `update` for the current packet (one object, reused). */
  readonly ct: CtInfo = { proto: 0, state: CT_NEW, dir: 0, packets: 0, bytes: 0, mark: 0 };
  private flow: Flow | null = null;

  constructor(private readonly scripts: number = 1) {
    this.table = new FlowTable({ slots: scripts });
  }

  /** Looks the packet up (counting it) and fills `ct`; `now` is the packet time in seconds. */
  update(p: Packet, now: number): void {
    const f = this.table.lookup(p, now);
    const ct = this.ct;
    ct.mark = 0;
    if (f === null) {
      // a later fragment or a header without ports: no flow, the packet on its own
      ct.proto = p.protocol;
      ct.state = CT_NEW;
      ct.dir = 0;
      ct.packets = 1;
      ct.bytes = p.ipLength;
      this.flow = null;
      return;
    }
    ctFromFlow(ct, f, this.table.direction);
    this.flow = f;
  }

  /** The flow registers of script `i` for the current packet's flow (made on first use). */
  flowRegisters(i = 0): Value[] | null {
    const f = this.flow;
    if (f === null || i >= this.scripts) return null;
    let r = f.slots[i] as Value[] | undefined;
    if (r === undefined) {
      r = newFlowRegisters();
      f.slots[i] = r;
    }
    return r;
  }
}
