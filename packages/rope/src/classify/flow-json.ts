// One line of `rope classify --json`, written straight from the flow table's Flow and its label
// view as the flow leaves the table: no FlowReport, label arrays or address bytes per flow (with
// a capture of millions of short flows, the output was most of what a flow cost). The line is
// byte for byte what JSON.stringify gives for the documented keys, in their order.
import { IPPROTO_TCP } from '@p2pwall/core';
import type { Flow } from '@p2pwall/core/flow';
import type { FlowLabels } from './flow-labels.js';

export class FlowJsonLine {
  /** Per script: its label as a JSON string. */
  private readonly quotedLabels: readonly string[];

  /** `names`: the label of each script, in script order. */
  constructor(names: readonly string[]) {
    this.quotedLabels = names.map((n) => JSON.stringify(n));
  }

  /**
   * The line of one flow (newline included); `capture` is the file name already JSON-quoted.
   * `via` is that of the flow's first label.
   */
  line(capture: string, f: Flow, l: FlowLabels): string {
    let labels = '[';
    let via = 'null';
    const n = this.quotedLabels.length;
    let first = true;
    for (let i = 0; i < n; i++) {
      if (!l.has(i)) continue;
      if (first) {
        const v = l.via(i);
        if (v !== null) via = JSON.stringify(v);
        first = false;
      } else labels += ',';
      labels += this.quotedLabels[i];
    }
    labels += ']';
    const l4 = f.protocol === IPPROTO_TCP ? 'tcp' : 'udp';
    return `{"capture":${capture},"l4":"${l4}","a":"${endpointA(f)}","b":"${endpointB(f)}","labels":${labels},"packets":${f.totalPackets},"bytes":${f.totalBytes},"via":${via}}\n`;
  }
}

/** Dotted quad of an IPv4 address held as one 32-bit word (Flow.lo0 / hi0). */
function quad(w: number): string {
  return `${w >>> 24}.${(w >>> 16) & 0xff}.${(w >>> 8) & 0xff}.${w & 0xff}`;
}

function endpointA(f: Flow): string {
  if (f.version !== 4) return f.endpointA();
  return `${quad(f.aIsLo ? f.lo0 : f.hi0)}:${f.portA}`;
}

function endpointB(f: Flow): string {
  if (f.version !== 4) return f.endpointB();
  return `${quad(f.aIsLo ? f.hi0 : f.lo0)}:${f.portB}`;
}
