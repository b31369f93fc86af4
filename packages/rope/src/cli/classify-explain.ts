// `rope classify --explain`: why each flow got each label, for people — one line per labelled
// flow and label: the flow, the label and the packet that gave it, and `via` (the signature the
// script named, or, for a label learned from a table, what taught the key and on which flow).
// Lines go out as flows end, as `--json` lines do; unlabelled flows have none.
import type { FlowReport } from '../classify/classify-capture.js';
import { LEARNED_PREFIX } from '../classify/flow-labels.js';
import type { BufferedWriter } from './buffered-output.js';

/**
 * Why a label was given, for people: `via gnutella-handshake`; for a label learned from a table,
 * the source and the flow that taught the key (`via learned:tracker-http, taught by
 * 198.51.100.1:6969 > 192.0.2.10:51413`).
 */
export function viaText(via: string | null): string {
  if (via === null) return 'no signature named';
  if (!via.startsWith(LEARNED_PREFIX)) return `via ${via}`;
  const note = via.slice(LEARNED_PREFIX.length);
  const space = note.indexOf(' ');
  if (space < 0) return `via ${via}`;
  const [from, to] = note.slice(space + 1).split('>');
  const flow = to === undefined ? from : `${from} > ${to}`;
  return `via ${LEARNED_PREFIX}${note.slice(0, space)}, taught by ${flow}`;
}

export class FlowExplainText {
  constructor(
    private readonly out: BufferedWriter,
    private readonly several: boolean,
  ) {}

  start(capture: string): void {
    if (this.several) this.out.write(`${capture}:\n`);
  }

  add(f: FlowReport): void {
    for (let i = 0; i < f.labels.length; i++)
      this.out.write(
        `  ${f.l4}  ${f.a} > ${f.b}  ${f.labels[i]} at packet ${f.matchedAt[i]}, ${viaText(f.via[i])}\n`,
      );
  }
}
