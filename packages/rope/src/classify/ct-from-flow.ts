// `$ct_*` without conntrack: what a capture's flow table knows of a connection, in the form the
// kernel's conntrack gives rope run (the classifier and CaptureFlows fill it for every packet).
import type { Flow } from '@p2pwall/core/flow';
import { CT_ESTABLISHED, CT_NEW, type CtInfo } from '../runtime/script.js';

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
